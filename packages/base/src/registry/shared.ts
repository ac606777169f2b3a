/**
 * Registries that every copy of the s2 packages shares. An app can end up with two copies of a
 * package (its ESM and CJS builds, or two versions after a mismatch); module-level maps would
 * then split, and a result format or driver registered through one copy would be invisible to
 * the other. Keying the state on `globalThis` with `Symbol.for` gives all copies one map.
 */
export function sharedRegistry<T>(name: string): Map<string, T> {
  return sharedSlot(`registry.${name}`, () => new Map<string, T>());
}

/** One value per process under `Symbol.for('@s2/<name>')`, created on first use. */
export function sharedSlot<T>(name: string, create: () => T): T {
  const key = Symbol.for(`@s2/${name}`);
  const g = globalThis as unknown as Record<symbol, T | undefined>;
  let value = g[key];
  if (value === undefined) {
    value = create();
    Object.defineProperty(g, key, { value, enumerable: false, configurable: true, writable: false });
  }
  return value;
}
