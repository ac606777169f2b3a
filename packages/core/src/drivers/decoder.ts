import { NotSupportedError, pureDecoder, registeredAccelerator, sharedSlot, type AcceleratorStatus, type BatchDecoder } from '@s2/base';
import { canLoadPackage, loadOptionalPackage } from './modules.js';
import { MissingPackageError } from './missing-package.js';

const search = () => sharedSlot('core.accelerator-search', () => ({ done: null as Promise<void> | null, missing: null as string | null }));

/** Imports @s2/native once (it registers itself) when this runtime can load it and it is installed. */
function findAccelerator(): Promise<void> {
  const s = search();
  s.done ??= (async () => {
    if (registeredAccelerator() || !canLoadPackage('@s2/native')) return;
    try {
      await loadOptionalPackage('@s2/native', 'the native accelerator');
    } catch (err) {
      if (!(err instanceof MissingPackageError)) throw err;
      s.missing = 'the @s2/native package is not installed (npm install @s2/native adds the Rust accelerator)';
    }
  })();
  return s.done;
}

/**
 * The batch decoder of a new connection, chosen once. `pureJs: true` takes the TypeScript
 * decoders; `false` insists on the addon (NotSupportedError saying why it is unavailable);
 * unset takes the addon when it is installed and loads, else the TypeScript decoders.
 */
export async function chooseDecoder(pureJs: boolean | null | undefined): Promise<BatchDecoder> {
  if (pureJs === true) return pureDecoder;
  await findAccelerator();
  const decoder = registeredAccelerator()?.decoder() ?? null;
  if (decoder) return decoder;
  if (pureJs === false) {
    throw new NotSupportedError(`the native accelerator is required (pure_js=false) but unavailable: ${acceleratorStatus().source}`);
  }
  return pureDecoder;
}

/**
 * Whether the Rust accelerator is in use and, if not, why: the addon's own report when
 * @s2/native is loaded, else what the search for it found. Connections opened after a
 * `connect()` use the addon exactly when `loaded` is true.
 */
export function acceleratorStatus(): AcceleratorStatus {
  const registered = registeredAccelerator();
  if (registered) return registered.status();
  const s = search();
  const source =
    s.missing ?? (canLoadPackage('@s2/native') ? 'not looked for yet (connect() looks for @s2/native)' : 'the native accelerator does not run in this runtime');
  return { loaded: false, source, triple: '', version: null };
}
