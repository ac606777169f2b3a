import { options } from '@s2/base';

/**
 * An `external_function.*` option's value when something chose it — a `withOptions` scope, its
 * `SINGLESTOREDB_EXT_FUNC_*` variable or `options.set` — else undefined, so the caller's own
 * default applies: several of s2's defaults (a service URL reflected from the Host header, a
 * fresh socket path) are not the value the option is registered with. Read when a definition or
 * server is built, so a variable set after import still counts.
 */
export function chosenOption<T>(name: string): T | undefined {
  const [option] = options.describe(name);
  if (option.source === 'default' || option.value === null || option.value === '') return undefined;
  return option.value as T;
}
