/**
 * The runners as plain JavaScript, so each measured process is `node runner.mjs` — what an
 * application ships — instead of a TypeScript loader whose hooks thread and transpiler add
 * tens of MiB of RSS and start-up CPU to every client alike.
 *
 * Workspace packages are bundled from their TypeScript sources (the `s2-source` condition);
 * third-party packages stay external, pinned to the file each importer resolves to (pnpm keeps
 * them beside the package that declares them, not beside the bundle). Code splitting keeps a
 * dynamic `import()` lazy, so a run loads only the packages its mode imports.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const RUNNERS = ['raw-drain', 'mysql2', 'mariadb', 's2', 'fetch-json', 'cold-s2', 'cold-mysql2', 'cold-mariadb'];
/** The runners that import s2: the ones bundled again against the "before" tree. */
export const S2_RUNNERS = ['s2', 'cold-s2'];

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

/** The runner's own `@s2/*` imports resolved in another checkout (its tooling/bench), not in this one. */
function s2From(tree: string): Plugin {
  const benchDir = join(tree, 'tooling', 'bench');
  return {
    name: 's2-from-tree',
    setup(b) {
      b.onResolve({ filter: /^@s2\// }, async (args) => {
        if (args.importer.startsWith(tree) || args.pluginData === 'redirected') return undefined;
        return b.resolve(args.path, { kind: args.kind, resolveDir: benchDir, importer: join(benchDir, 'runner.ts'), pluginData: 'redirected' });
      });
    },
  };
}

/**
 * Bundles runners into a fresh temporary directory; returns runner name → .mjs path. With
 * `tree`, s2 comes from that checkout (the before/after mode).
 */
export async function bundleRunners(names: string[] = RUNNERS, tree?: string): Promise<Map<string, string>> {
  const outdir = mkdtempSync(join(tmpdir(), tree ? 's2-bench-before-runners-' : 's2-bench-runners-'));
  const entryPoints = Object.fromEntries(names.map((r) => [r, fileURLToPath(new URL(`./runners/${r}.ts`, import.meta.url))]));
  await build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['s2-source'],
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    plugins: tree ? [s2From(tree), thirdPartyExternal] : [thirdPartyExternal],
    logLevel: 'warning',
  });
  return new Map(names.map((r) => [r, join(outdir, `${r}.mjs`)]));
}
