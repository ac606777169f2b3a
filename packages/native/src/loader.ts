import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NotSupportedError, options, type AcceleratorStatus } from '@s2/base';
import type { NativeBinding } from './binding.js';

/** Why the native path is or is not in use, for diagnostics (`s2 doctor`, bug reports). */
export type NativeStatus = AcceleratorStatus;

function triple(): string {
  const { platform, arch } = process;
  if (platform === 'linux') {
    const report = (process.report?.getReport?.() ?? {}) as { header?: { glibcVersionRuntime?: string } };
    return `linux-${arch}-${report.header?.glibcVersionRuntime ? 'gnu' : 'musl'}`;
  }
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
  else try {
    const root = fileURLToPath(new URL('../', import.meta.url));
    candidates.push(`${root}s2-native.${t}.node`);
  } catch {
    // not a file URL (bundled): only the platform package can be tried
  }
  if (!explicit) candidates.push(`@s2/native-${t}`);
  const failures: string[] = [];
  for (const candidate of candidates) {
    if (candidate.endsWith('.node') && !existsSync(candidate)) {
      failures.push(`${candidate}: ${explicit ? "no such file (SINGLESTOREDB_NATIVE_PATH)" : "not built"}`);
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
