import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { skipNow } from '@s2/testing/vitest';
import { loadNative, nativeStatus, resetNativeLoader } from '../src/index.js';

const saved = process.env.SINGLESTOREDB_NATIVE_PATH;
// These tests are about which file is loaded, so a run with SINGLESTOREDB_PURE_JS set (which
// turns the loader off) still runs them.
const PURE = ['SINGLESTOREDB_PURE_JS', 'SINGLESTOREDB_PURE_PYTHON'] as const;
const pureSaved = PURE.map((name) => process.env[name]);
beforeEach(() => {
  for (const name of PURE) delete process.env[name];
});
afterEach(() => {
  PURE.forEach((name, i) => {
    if (pureSaved[i] === undefined) delete process.env[name];
    else process.env[name] = pureSaved[i];
  });
  if (saved === undefined) delete process.env.SINGLESTOREDB_NATIVE_PATH;
  else process.env.SINGLESTOREDB_NATIVE_PATH = saved;
  resetNativeLoader();
});

describe('SINGLESTOREDB_NATIVE_PATH', () => {
  it('names the only addon file tried: a missing file is reported, not replaced by another binary', () => {
    process.env.SINGLESTOREDB_NATIVE_PATH = '/nonexistent/s2-native.node';
    resetNativeLoader();
    expect(loadNative()).toBeNull();
    expect(nativeStatus().source).toMatch(/\/nonexistent\/s2-native\.node: no such file \(SINGLESTOREDB_NATIVE_PATH\)/);
  });

  it('loads the file it names (the local build here, when there is one)', (ctx) => {
    delete process.env.SINGLESTOREDB_NATIVE_PATH;
    resetNativeLoader();
    const found = nativeStatus();
    if (!found.loaded || !found.source.endsWith('.node')) return skipNow(ctx, `no local build of the native addon (${found.source})`);
    process.env.SINGLESTOREDB_NATIVE_PATH = found.source;
    resetNativeLoader();
    const binding = loadNative();
    expect(nativeStatus()).toMatchObject({ loaded: true, source: found.source });
    // The loaded object is the addon itself: it answers, and with the version the status reports.
    expect(binding?.nativeVersion()).toBe(found.version);
    expect(found.version).toMatch(/^\d+\.\d+/);
  });
});
