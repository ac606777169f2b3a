import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NotSupportedError, options, type AcceleratorStatus } from '@s2/base';
import type { NativeBinding } from './binding.js';

/** Why the native path is or is not in use, for diagnostics (`s2 doctor`, bug reports). */
export type NativeStatus = AcceleratorStatus;

/**
 * The C library of a Linux system. `ldd` names musl in its text on musl systems (a script or
 * the musl loader itself) and never on glibc ones; reading it costs a fraction of a
 * millisecond, where `process.report` builds a whole diagnostic report (~40 ms and ~2 MiB of
 * RSS on the first connect). The report remains the answer where there is no ldd to read.
 */
export function linuxLibc(readText: (path: string) => string = (path) => readFileSync(path, 'latin1')): 'gnu' | 'musl' {
  try {
    return readText('/usr/bin/ldd').includes('musl') ? 'musl' : 'gnu';
  } catch {
    const report = (process.report?.getReport?.() ?? {}) as { header?: { glibcVersionRuntime?: string } };
    return report.header?.glibcVersionRuntime ? 'gnu' : 'musl';
  }
}

function triple(): string {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${linuxLibc()}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

let cached: { binding: NativeBinding | null; status: NativeStatus } | null = null;

function load(): { binding: NativeBinding | null; status: NativeStatus } {
  const t = triple();
  const none = (source: string) => ({ binding: null, status: { loaded: false, source, triple: t, version: null } });
  if (options.get('pure_js') === true) return none('disabled by the pure_js option (SINGLESTOREDB_PURE_JS)');
  let require: NodeRequire;
  try {
    require = createRequire(import.meta.url);
  } catch {
    return none('no CommonJS loader in this runtime');
  }
  // An explicit file (SINGLESTOREDB_NATIVE_PATH: bundled apps, whose module paths no longer
  // lead to the addon) is the only candidate. Otherwise a build from source (pnpm --filter
  // @s2/native build:native) wins over the prebuilt package, so a developer's change is what runs.
  const explicit = process.env.SINGLESTOREDB_NATIVE_PATH;
  const candidates: string[] = [];
  if (explicit) candidates.push(explicit);
  else
    try {
      const root = fileURLToPath(new URL('../', import.meta.url));
      candidates.push(`${root}s2-native.${t}.node`);
    } catch {
      // not a file URL (bundled): only the platform package can be tried
    }
  if (!explicit) candidates.push(`@s2/native-${t}`);
  const failures: string[] = [];
  for (const candidate of candidates) {
    if (candidate.endsWith('.node') && !existsSync(candidate)) {
      failures.push(`${candidate}: ${explicit ? 'no such file (SINGLESTOREDB_NATIVE_PATH)' : 'not built'}`);
      continue;
    }
    try {
      const binding = require(candidate) as NativeBinding;
      return { binding, status: { loaded: true, source: candidate, triple: t, version: binding.nativeVersion() } };
    } catch (err) {
      failures.push(`${candidate}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return none(`no binary for ${t} (${failures.join('; ')})`);
}

/** The addon, or null when it is missing or disabled (the pure TypeScript path is used then). */
export function loadNative(): NativeBinding | null {
  cached ??= load();
  return cached.binding;
}

export function nativeStatus(): NativeStatus {
  cached ??= load();
  return cached.status;
}

/** For `pure_js: false`: the addon or a NotSupportedError that says why it is missing. */
export function requireNative(): NativeBinding {
  const binding = loadNative();
  if (!binding) throw new NotSupportedError(`the native accelerator is required (pure_js=false) but unavailable: ${nativeStatus().source}`);
  return binding;
}

/** Forgets the cached decision (tests toggle SINGLESTOREDB_PURE_JS). */
export function resetNativeLoader(): void {
  cached = null;
}
