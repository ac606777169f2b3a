import { defineConfig, type Options } from 'tsup';

/**
 * Shared tsup settings: ESM + CJS + .d.ts, workspace packages stay external. `__S2_CJS__` is
 * defined per output format: code that loads another @s2 package at run time uses `require` in
 * the CJS build (so a CommonJS app shares one copy of it, options registry included) and
 * `import()` in the ESM one.
 */
export function packageBuild(entry: string[] = ['src/index.ts'], extra: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    external: [/^@s2\//],
    esbuildOptions(options, context) {
      options.define = { ...options.define, __S2_CJS__: context.format === 'cjs' ? 'true' : 'false' };
    },
    ...extra,
  });
}
