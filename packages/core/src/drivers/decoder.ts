import { NotSupportedError, pureDecoder, registeredAccelerator, sharedSlot, type AcceleratorStatus, type BatchDecoder } from '@s2/base';
import { canLoadPackage, loadOptionalPackage } from './modules.js';
import { MissingPackageError } from './missing-package.js';

const search = () => sharedSlot('core.accelerator-search', () => ({ done: null as Promise<void> | null, missing: null as string | null }));
/** Whether the most recent connect() asked for the TypeScript decoders, for nativeStatus(). */
const latest = () => sharedSlot('core.latest-decoder-request', () => ({ pureJs: false }));

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
  latest().pureJs = pureJs === true;
  if (pureJs === true) return pureDecoder;
  await findAccelerator();
  const decoder = registeredAccelerator()?.decoder() ?? null;
  if (decoder) return decoder;
  if (pureJs === false) {
    throw new NotSupportedError(`the native accelerator is required (pure_js=false) but unavailable: ${acceleratorStatus().source}`);
  }
  return pureDecoder;
}

const PURE_JS = 'pure_js (the pureJs option, pure_js in the URL or SINGLESTOREDB_PURE_JS)';

/** What the addon itself reports, or what the search for it found (null: not looked for yet). */
function addonStatus(): AcceleratorStatus | null {
  const registered = registeredAccelerator();
  if (registered) return registered.status();
  const s = search();
  const source = s.missing ?? (canLoadPackage('@s2/native') ? null : 'the native accelerator does not run in this runtime');
  return source === null ? null : { loaded: false, source, triple: '', version: null };
}

/**
 * Whether the Rust accelerator is in use and, if not, why: the addon's own report when
 * @s2/native is loaded, else what the search for it found. `loaded` is the addon's state for
 * the whole process, while pure_js is chosen per connection: a connection decodes with the
 * addon exactly when `loaded` is true and it did not set pure_js. When the latest connection set
 * pure_js, `source` says so: it decodes in TypeScript whatever `loaded` is.
 */
export function acceleratorStatus(): AcceleratorStatus {
  const pureJs = latest().pureJs;
  const status = addonStatus();
  if (!status) {
    // Only a connect() without pure_js looks for the addon, and none has found an answer yet.
    const source = pureJs ? `disabled by ${PURE_JS}; @s2/native was not looked for` : 'not looked for yet (connect() looks for @s2/native)';
    return { loaded: false, source, triple: '', version: null };
  }
  return pureJs ? { ...status, source: `${status.source}; the latest connection set ${PURE_JS} and decodes in TypeScript` } : status;
}
