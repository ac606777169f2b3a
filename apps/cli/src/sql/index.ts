import { parseArgs } from 'node:util';
import { OptionError } from '@s2/base';
import { connect, type Connection } from '@s2/core';
import { errorLine, writeOutcome, type SqlIo } from './output.js';
import { OUTPUT_FORMATS, type OutputFormat } from './render.js';
import { runRepl } from './repl.js';
import { runStatement } from './session.js';
import { StatementSplitter, type Statement } from './split.js';

export const SQL_USAGE = `  s2 sql [URL] [-e SQL]... [--format table|vertical|csv|tsv|json] [--timing] [--force] [--fusion]
      An SQL shell over the wire (mysql://, singlestoredb://) or the Data API (http://, https://);
      URL defaults to SINGLESTOREDB_URL. Interactive on a terminal (history, multi-line statements,
      \\G for vertical rows, Ctrl-C cancels the running query); otherwise runs -e statements or a
      script from stdin and exits non-zero at the first failure (--force: go on, exit 1 at the end).
      Default format: -e prints a table on a terminal and tab-separated text into a pipe or file;
      a script on stdin is tab-separated.
      Fusion commands (SHOW CLUSTERS, …) are answered when SINGLESTOREDB_FUSION_ENABLED is set or with --fusion.
      DELIMITER // (a line between statements) changes the delimiter, as in the mysql client.
      CSV writes NULL as an empty field and '' as "", TSV writes NULL as \\N.`;

export interface SqlOptions {
  url: string;
  execute: string[];
  format: OutputFormat | null;
  timing: boolean;
  force: boolean;
  fusion: boolean;
}

function parseSqlArgs(argv: string[], env: NodeJS.ProcessEnv): SqlOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      execute: { type: 'string', short: 'e', multiple: true },
      format: { type: 'string', short: 'f' },
      timing: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      fusion: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 1) throw new OptionError(`s2 sql takes one URL, got ${positionals.length} arguments`);
  const url = positionals[0] ?? env.SINGLESTOREDB_URL;
  if (!url) throw new OptionError('s2 sql needs a URL: pass one or set SINGLESTOREDB_URL');
  const format = values.format ?? null;
  if (format !== null && !OUTPUT_FORMATS.includes(format as OutputFormat))
    throw new OptionError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got '${format}'`);
  return { url, execute: values.execute ?? [], format: format as OutputFormat | null, timing: values.timing!, force: values.force!, fusion: values.fusion! };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Runs the statements of each script one after another; returns the exit code (1 if any
 * failed). A script is split as it runs, so a bad DELIMITER line fails where it stands.
 */
async function runBatch(conn: Connection, scripts: string[], options: SqlOptions, io: SqlIo, format: OutputFormat): Promise<number> {
  let failed = false;
  /** Reports a failure; true when the batch stops there. */
  const fail = (err: unknown): boolean => {
    io.stderr.write(`${errorLine(err)}\n`);
    failed = true;
    return !options.force;
  };
  for (const script of scripts) {
    const splitter = new StatementSplitter();
    const lines = script.split(/\r?\n/);
    for (let n = 0; n <= lines.length; n++) {
      let statements: Statement[];
      try {
        statements = n < lines.length ? splitter.push(lines[n]!) : splitter.flush();
      } catch (err) {
        if (fail(err)) return 1;
        continue;
      }
      for (const statement of statements) {
        try {
          const outcome = await runStatement(conn, statement.sql);
          writeOutcome(io, outcome, statement, format, options.timing);
        } catch (err) {
          if (fail(err)) return 1;
        }
      }
    }
  }
  return failed ? 1 : 0;
}

export type { SqlIo } from './output.js';

/** `s2 sql`: returns the process exit code. */
export async function runSqlCommand(argv: string[], io: SqlIo): Promise<number> {
  let options: SqlOptions | 'help';
  try {
    options = parseSqlArgs(argv, io.env);
  } catch (err) {
    io.stderr.write(`s2 sql: ${(err as Error).message}\n\nUsage:\n${SQL_USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    io.stdout.write(`Usage:\n${SQL_USAGE}\n`);
    return 0;
  }
  if (options.fusion || /^(1|t|true|y|yes|on)$/i.test(io.env.SINGLESTOREDB_FUSION_ENABLED ?? '')) {
    const { installFusion } = await import('@s2/fusion');
    installFusion(options.fusion ? { enabled: true } : {});
  }
  const url = options.url;
  // Temporal values as the server's text: a Date would drop microseconds and turn a zero date into NULL.
  const open = () => connect(url, { resultsType: 'tuples', dateStrings: true });
  let conn: Connection;
  try {
    conn = await open();
  } catch (err) {
    io.stderr.write(`s2 sql: cannot connect: ${errorLine(err)}\n`);
    return 1;
  }
  try {
    if (options.execute.length) {
      // As the mysql client does: a table for a person at a terminal, tab-separated for a pipe or file.
      return await runBatch(conn, options.execute, options, io, options.format ?? (io.stdout.isTTY ? 'table' : 'tsv'));
    }
    if (io.stdin.isTTY && io.stdout.isTTY) {
      return await runRepl(conn, io, options.format ?? 'table', async () => (conn = await open()));
    }
    // A script on stdin: tab-separated by default, like the mysql client in batch mode.
    return await runBatch(conn, [await readAll(io.stdin)], options, io, options.format ?? 'tsv');
  } finally {
    await conn.close().catch(() => {});
  }
}
