/**
 * The runners as plain JavaScript, so each measured process is `node runner.mjs` — what an
 * application ships — instead of a TypeScript loader whose hooks thread and transpiler add
 * tens of MiB of RSS and start-up CPU to every client alike.
 *
 * Workspace packages are bundled from their TypeScript sources (the `s2-source` condition);
 * third-party packages stay external, pinned to the file each importer resolves to (pnpm keeps
 * them beside the package that declares them, not beside the bundle).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const RUNNERS = ['raw-drain', 'mysql2', 'mariadb', 's2', 'fetch-json'];

const thirdPartyExternal: Plugin = {
  name: 'third-party-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@s2/') || args.path.startsWith('node:') || args.pluginData === 'resolving') return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolving' });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      // Builtins resolve to themselves; packages to a file whose absolute path the bundle imports.
      return { path: resolved.path, external: true };
    });
  },
};

/** Bundles every runner into a fresh temporary directory; returns runner name → .mjs path. */
export async function bundleRunners(): Promise<Map<string, string>> {
  const outdir = mkdtempSync(join(tmpdir(), 's2-bench-runners-'));
  const entries = RUNNERS.map((r) => fileURLToPath(new URL(`./runners/${r}.ts`, import.meta.url)));
  await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['s2-source'],
    outExtension: { '.js': '.mjs' },
    plugins: [thirdPartyExternal],
    logLevel: 'warning',
  });
  return new Map(RUNNERS.map((r) => [r, join(outdir, `${r}.mjs`)]));
}
