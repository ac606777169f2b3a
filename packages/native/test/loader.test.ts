import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { skipNow } from '@s2/testing/vitest';
import { loadNative, nativeStatus, resetNativeLoader } from '../src/index.js';
import { linuxLibc } from '../src/loader.js';

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

describe('the C library of a Linux system', () => {
  it('is read from ldd: musl when its text names musl, glibc otherwise', () => {
    expect(linuxLibc(() => '#!/bin/sh\nexec /lib/ld-musl-x86_64.so.1 --list "$@"\n')).toBe('musl');
    expect(linuxLibc(() => '#!/bin/bash\n# This file is part of the GNU C Library.\n')).toBe('gnu');
  });

  it('falls back to the process report when there is no ldd to read', () => {
    const report = vi.spyOn(process.report, 'getReport').mockReturnValue({ header: { glibcVersionRuntime: '2.36' } } as never);
    const missing = () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    };
    expect(linuxLibc(missing)).toBe('gnu');
    report.mockReturnValue({ header: {} } as never);
    expect(linuxLibc(missing)).toBe('musl');
    expect(report).toHaveBeenCalledTimes(2);
    report.mockRestore();
  });

  it('finding the addon builds no diagnostic report where ldd exists (it cost ~40 ms and ~2 MiB per process)', (ctx) => {
    if (process.platform !== 'linux' || !existsSync('/usr/bin/ldd')) return skipNow(ctx, 'not a Linux system with /usr/bin/ldd');
    const report = vi.spyOn(process.report, 'getReport');
    resetNativeLoader();
    const status = nativeStatus();
    expect(status.triple).toMatch(/^linux-[a-z0-9]+-(gnu|musl)$/);
    expect(report).not.toHaveBeenCalled();
    report.mockRestore();
  });
});
