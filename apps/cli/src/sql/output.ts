import { MySQLError } from '@s2/base';
import { render, type OutputFormat } from './render.js';
import type { StatementOutcome } from './session.js';
import type { Statement } from './split.js';

export interface SqlIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** `ERROR 1146 (42S02): Table 'x' doesn't exist`, as the mysql client prints server errors. */
export function errorLine(err: unknown): string {
  if (err instanceof MySQLError && err.errno != null) return `ERROR ${err.errno}${err.sqlstate ? ` (${err.sqlstate})` : ''}: ${err.errmsg ?? err.message}`;
  return `ERROR: ${(err as Error)?.message ?? String(err)}`;
}

const seconds = (ms: number) => `(${(ms / 1000).toFixed(2)} sec)`;

/** The summary line under a result, as the mysql client words it. */
export function summaryLine(outcome: StatementOutcome): string {
  const last = outcome.results.at(-1);
  const warn = outcome.warnings ? `, ${outcome.warnings} warning${outcome.warnings === 1 ? '' : 's'}` : '';
  if (last) {
    const n = last.rows.length;
    return n === 0 ? `Empty set${warn} ${seconds(outcome.elapsedMs)}` : `${n} row${n === 1 ? '' : 's'} in set${warn} ${seconds(outcome.elapsedMs)}`;
  }
  const n = Math.max(outcome.affected, 0);
  return `Query OK, ${n} row${n === 1 ? '' : 's'} affected${warn} ${seconds(outcome.elapsedMs)}`;
}

/** Writes a statement's results in the chosen format (`\G` makes one statement vertical). */
export function writeOutcome(io: SqlIo, outcome: StatementOutcome, statement: Statement, format: OutputFormat, summary: boolean): void {
  const shape = statement.terminator === '\\G' ? 'vertical' : format;
  for (const result of outcome.results) io.stdout.write(render(shape, result));
  if (summary) io.stdout.write(`${summaryLine(outcome)}\n${shape === 'table' || shape === 'vertical' ? '\n' : ''}`);
}
