import { sharedRegistry } from '@s2/base';

/** Drivers every entry of @s2/core declares; their package may still be missing (a MissingPackageError at connect). */
const BUILT_IN = ['mysql', 'http', 'https'];

// The driver registries of drivers/registry.ts, read through their process-wide names (a
// contract across copies of @s2/core anyway) because that module imports this folder's types.
const registries = () => [sharedRegistry<unknown>('drivers'), sharedRegistry<unknown>('packaged-drivers')];

/**
 * The driver a URL scheme or `driver` option names: a built-in one, or any name given to
 * `registerDriver` (spelled as registered, else case-insensitively); null when nothing knows it.
 */
export function knownDriverName(name: string): string | null {
  const maps = registries();
  if (maps.some((m) => m.has(name))) return name;
  const lower = name.toLowerCase();
  if (BUILT_IN.includes(lower)) return lower;
  // URL schemes arrive lower-cased: `MyTunnel://` finds a driver registered as 'MyTunnel'.
  for (const m of maps) for (const key of m.keys()) if (key.toLowerCase() === lower) return key;
  return null;
}

/** Every driver name connect() accepts right now, for error messages. */
export function knownDriverNames(): string[] {
  return [...new Set([...BUILT_IN, ...registries().flatMap((m) => [...m.keys()])])];
}
