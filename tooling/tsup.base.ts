import { defineConfig, type Options } from 'tsup';

/** Shared tsup settings: ESM + CJS + .d.ts, workspace packages stay external. */
export function packageBuild(entry: string[] = ['src/index.ts'], extra: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    external: [/^@s2\//],
    ...extra,
  });
}
