import { NotSupportedError, sharedSlot } from '@s2/base';
import { isMissingModule, MissingPackageError } from './missing-package.js';

/** The optional s2 packages that @s2/core finds by itself when they are installed. */
export type OptionalPackage = '@s2/wire' | '@s2/http' | '@s2/native';

/**
 * Loads an optional package. Each runtime entry of @s2/core installs one: the Node entry can
 * load all three, the browser/worker entry only @s2/http. A package the entry cannot load in
 * its runtime is left out (`undefined`), and asking for it says why.
 */
export type PackageLoaders = Partial<Record<OptionalPackage, () => Promise<unknown>>>;

const state = () => sharedSlot('core.package-loaders', () => ({ loaders: {} as PackageLoaders, runtime: 'an unknown runtime' }));

/** Called once by a runtime entry (`@s2/core` for Node, `@s2/core/browser` for browsers and workers). */
export function installPackageLoaders(runtime: string, loaders: PackageLoaders): void {
  const s = state();
  s.runtime = runtime;
  s.loaders = { ...s.loaders, ...loaders };
}

/**
 * The module of an optional package; MissingPackageError when it is not installed, and
 * NotSupportedError when this runtime cannot use it at all.
 */
export async function loadOptionalPackage<T>(name: OptionalPackage, what: string): Promise<T> {
  const { loaders, runtime } = state();
  const load = loaders[name];
  if (!load) throw new NotSupportedError(`${what} needs ${name}, which does not run in ${runtime}`);
  try {
    return (await load()) as T;
  } catch (err) {
    if (isMissingModule(err, name)) throw new MissingPackageError(name, what, err);
    throw err;
  }
}

/** Whether this runtime entry can load the package at all (it may still be uninstalled). */
export function canLoadPackage(name: OptionalPackage): boolean {
  return state().loaders[name] !== undefined;
}
