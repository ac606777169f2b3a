/**
 * Running a matched statement (fusion.md §1.4): warnings, parse, validators, handler, result.
 */
import type { CursorSession, StatementOptions } from '@s2/core';
import { OperationalError, type QueryResponse } from '@s2/base';
import { createManagement, type Management, type ManagementOptions } from '@s2/management';
import { nodeGetWithBody } from '@s2/management/node';
import { parseStatement } from './grammar/index.js';
import { decodeOptionsOf, toQueryResponse } from './result.js';
import type { FusionCommand, FusionRegistry } from './registry.js';

function warn(message: string, type: string): void {
  const proc = (globalThis as { process?: { emitWarning?(m: string, o: { type: string }): void } }).process;
  proc?.emitWarning?.(message, { type });
}

export async function executeFusion(
  command: FusionCommand,
  sql: string,
  session: CursorSession,
  registry: FusionRegistry,
  managementOptions: ManagementOptions = {},
  statement: StatementOptions = {},
): Promise<QueryResponse> {
  if (command.preview) {
    warn('This is a preview Fusion SQL command. The options and syntax may change in the future.', 'PreviewFeatureWarning');
  }
  if (command.deprecatedBy) {
    warn(`${command.key} is deprecated: new deployments should be clusters. Use ${command.deprecatedBy} instead.`, 'DeprecatedFeatureWarning');
  }
  const params = parseStatement(command.compiled, sql);
  for (const [key, validate] of Object.entries(command.validators ?? {})) {
    if (key in params) params[key] = validate(params[key]);
  }
  const signal = statementSignal(statement, managementOptions.signal);
  let management: Management | undefined;
  const running = Promise.resolve(
    command.run(params, {
      session,
      sql,
      registry,
      signal,
      // Read per statement, so that SINGLESTOREDB_MANAGEMENT_* changes apply at once (as in
      // the SingleStoreDB Python SDK (singlestoredb 1.18.1)).
      // The Node transport for GETs with a JSON body: the export status calls send one, as the Python SDK does.
      // The command vocabulary is v2's (clusters); a `version` in the options would break it.
      management: () => (management ??= createManagement({ getWithBody: nodeGetWithBody, ...managementOptions, version: 'v2', signal })),
    }),
  );
  const result = signal ? await untilAborted(running, signal) : await running;
  return toQueryResponse(result ?? null, decodeOptionsOf(session.params));
}

/** The statement's `signal` and `timeoutMs` (and the management options' signal) as one signal. */
function statementSignal(statement: StatementOptions, extra: AbortSignal | undefined): AbortSignal | undefined {
  const signals = [statement.signal, extra, statement.timeoutMs !== undefined ? AbortSignal.timeout(statement.timeoutMs) : undefined].filter(
    (s): s is AbortSignal => s !== undefined,
  );
  return signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
}

/** A cancelled or timed-out Fusion command rejects at once with OperationalError, as a cancelled query does. */
function untilAborted<T>(running: Promise<T>, signal: AbortSignal): Promise<T> {
  const cancelled = () =>
    new OperationalError(`Fusion command cancelled: ${String((signal.reason as Error | undefined)?.message ?? signal.reason ?? 'aborted')}`, {
      cause: signal.reason,
    });
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    running.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
