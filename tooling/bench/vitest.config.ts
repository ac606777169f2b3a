import { defineConfig } from 'vitest/config';

// The harness's own unit tests (no server): `pnpm --filter @s2/bench test`.
export default defineConfig({ test: { include: ['test/**/*.test.ts'] } });
