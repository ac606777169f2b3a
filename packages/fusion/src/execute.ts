/**
 * Running a matched statement (spec §1.4): warnings, parse, validators, handler, result.
 */
import type { CursorSession } from '@s2/core';
import type { QueryResponse } from '@s2/base';
import { createManagement, type Management, type ManagementOptions } from '@s2/management';
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
  let management: Management | undefined;
  const result = await command.run(params, {
    session,
    sql,
    registry,
    // Read per statement, so that SINGLESTOREDB_MANAGEMENT_* changes apply at once (as in the reference).
    management: () => (management ??= createManagement({ version: 'v2', ...managementOptions })),
  });
  return toQueryResponse(result ?? null, decodeOptionsOf(session.params));
}
