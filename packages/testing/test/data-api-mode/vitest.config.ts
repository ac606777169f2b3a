import { fileURLToPath } from 'node:url';
import base from '../../../../vitest.config';

// The nested run of fixtures.test.ts: the same aliases and global setup, one probe file
// (spread rather than mergeConfig, which would append to `include` instead of replacing it).
// Untyped on purpose: the root config may be typed by another copy of vitest in the store.
const root = base as unknown as { test: Record<string, unknown> };
export default { ...root, test: { ...root.test, include: [fileURLToPath(new URL('./probe.check.ts', import.meta.url))] } };
