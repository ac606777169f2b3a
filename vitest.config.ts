import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Workspace packages resolve to their TypeScript sources, so tests never need a build step.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@s2\/([a-z0-9-]+)$/, replacement: here('./packages/$1/src/index.ts') },
      { find: /^@s2\/([a-z0-9-]+)\/([a-z0-9-]+)$/, replacement: here('./packages/$1/src/$2.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'tooling/*/test/**/*.test.ts'],
    globalSetup: [here('./packages/testing/src/vitest-global-setup.ts')],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
