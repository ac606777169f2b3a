import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../../../vitest.config';

// The nested run of fixtures.test.ts: the same aliases and global setup, one probe file
// (spread rather than mergeConfig, which would append to `include` instead of replacing it).
export default defineConfig({ ...base, test: { ...base.test, include: [fileURLToPath(new URL('./probe.check.ts', import.meta.url))] } });
