import { FusionResult } from '../result.js';
import type { FusionRun } from '../registry.js';

/** SHOW FUSION COMMANDS [ LIKE ]: one row per command, its syntax text. */
export const showFusionCommands: FusionRun = (params, { registry }) => {
  const res = new FusionResult().addField('Command', 'STRING');
  res.setRows(registry.list().map((c) => [c.compiled.syntax.trimStart()]));
  return res.like({ Command: params.like as string | null });
};

/** SHOW FUSION GRAMMAR FOR '<query>': the grammar of the command the query would run. */
export const showFusionGrammar: FusionRun = (params, { registry }) => {
  const command = registry.lookup(String(params.for_query));
  return new FusionResult().addField('Grammar', 'STRING').setRows(command ? [[command.grammar]] : []);
};

/**
 * SHOW FUSION HELP FOR '<command>': the help as Markdown, one row, where
 * the SingleStoreDB Python SDK (singlestoredb 1.18.1) prints it.
 */
export const showFusionHelp: FusionRun = (params, { registry }) => {
  const command = registry.lookup(String(params.for_command));
  return new FusionResult().addField('Help', 'STRING').setRows(command ? [[command.compiled.help]] : []);
};
