import { NotSupportedError, sharedRegistry, type SqlTransport } from '@s2/base';
import type { ResolvedConnectParams } from '../params/index.js';
import { loadOptionalPackage, type OptionalPackage } from './modules.js';

/** Opens a transport for a driver name; other packages register theirs with `registerDriver`. */
export type DriverFactory = (params: ResolvedConnectParams) => Promise<SqlTransport>;

/**
 * A driver that lives in an optional package: found when first used, so an app that never
 * connects over it never loads (or installs) that package.
 */
export interface PackagedDriver<M> {
  package: OptionalPackage;
  open(module: M, params: ResolvedConnectParams): Promise<SqlTransport>;
}

// Shared by every copy of @s2/core in the process (see sharedRegistry).
const drivers = sharedRegistry<DriverFactory>('drivers');
const packaged = sharedRegistry<PackagedDriver<never>>('packaged-drivers');

export function registerDriver(name: string, factory: DriverFactory): void {
  drivers.set(name, factory);
}

/** Declares a driver of an optional package; an explicit `registerDriver` for the name wins. */
export function registerPackagedDriver<M>(name: string, driver: PackagedDriver<M>): void {
  packaged.set(name, driver as PackagedDriver<never>);
}

/** The factory for a driver name, loading its package on first use. */
export async function findDriver(name: string): Promise<DriverFactory> {
  const direct = drivers.get(name);
  if (direct) return direct;
  const pkg = packaged.get(name);
  if (!pkg) {
    const known = [...new Set([...drivers.keys(), ...packaged.keys()])].join(', ');
    throw new NotSupportedError(`the '${name}' driver is not available; known drivers: ${known}`);
  }
  const module = await loadOptionalPackage<never>(pkg.package, `the '${name}' driver`);
  return (params) => pkg.open(module, params);
}
