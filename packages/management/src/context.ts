import type { ManagementClient } from './http/client.js';

/** What every manager and resource object shares: the HTTP client and the warning sink. */
export interface Context {
  readonly client: ManagementClient;
  /** Emits a deprecation warning once per `what` (unless quieted). */
  deprecated(what: string, instead: string): void;
}

const warned = new Set<string>();

export function makeContext(client: ManagementClient): Context {
  return {
    client,
    deprecated(what, instead) {
      if (client.config.quietDeprecations || warned.has(what)) return;
      warned.add(what);
      const p = (globalThis as { process?: { emitWarning?: (m: string, o: unknown) => void } }).process;
      const msg = `${what} uses the deprecated v1 Management API; use ${instead} instead`;
      if (p?.emitWarning) p.emitWarning(msg, { type: 'DeprecationWarning', code: 'S2_MANAGEMENT_V1' });
      else console.warn(msg);
    },
  };
}
