import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Connection } from '@s2/core';
import { userPath } from '../paths.js';
import type { OutputFormat } from './render.js';
import { runStatement } from './session.js';
import { StatementSplitter, type Statement } from './split.js';
import { errorLine, writeOutcome, type SqlIo } from './output.js';

const PROMPT = 's2> ';
const CONTINUE = '    -> ';
const HISTORY_SIZE = 1000;

const HELP = `Statements end with ; (table) or \\G (one row per block). Multi-line input continues until then.
  DELIMITER //     end statements with // instead of ; (for procedure bodies); DELIMITER ; goes back
  \\q, quit, exit   leave (or Ctrl-D)
  \\c               forget the statement being typed (or Ctrl-C at the prompt)
  Ctrl-C           while a query runs: cancel it (KILL QUERY) and stay in the shell
`;

/**
 * Statements that may carry a password never reach the history (the mysql client's default
 * histignore does the same: `*IDENTIFIED*:*PASSWORD*`). It is asked about whole statements:
 * the password of `CREATE USER … IDENTIFIED BY` may sit on a line of its own.
 */
export function keepInHistory(statement: string): boolean {
  return statement.trim() !== '' && !/IDENTIFIED|PASSWORD/i.test(statement);
}

/** One history entry for a statement as typed, on one line, with what ended it. */
export function historyEntry(statement: Statement, delimiter: string): string {
  return `${statement.sql.replace(/\r?\n/g, ' ')}${statement.terminator === '\\G' ? '\\G' : delimiter}`;
}

function historyFile(env: NodeJS.ProcessEnv): string {
  return env.S2_HISTFILE ? userPath(env.S2_HISTFILE, env) : join(homedir(), '.s2_history');
}

function loadHistory(file: string): string[] {
  try {
    // readline keeps the newest entry first.
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

/**
 * Forgets the half-typed line, as the mysql client does on Ctrl-C: readline keeps its line buffer
 * through SIGINT and would draw it again after the next prompt. readline has no public call for
 * this; `line` and `cursor` are the fields its own key handlers reset.
 */
function discardTypedLine(rl: Interface): void {
  const state = rl as unknown as { line: string; cursor: number };
  state.line = '';
  state.cursor = 0;
}

/**
 * The interactive prompt. Lines are handled strictly in order (a statement typed while another
 * runs waits for it); Ctrl-C aborts the running statement through its AbortSignal, which makes
 * the connection send KILL QUERY, and the prompt comes back. A connection that the abort left
 * unusable is replaced by a new one.
 */
export async function runRepl(first: Connection, io: SqlIo, format: OutputFormat, reopen: () => Promise<Connection>): Promise<number> {
  let conn = first;
  const file = historyFile(io.env);
  // readline would add every line as typed, a password on a continuation line too: with a
  // size of 0 it adds none, and whole statements are put into its list below.
  const history = loadHistory(file);
  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: true, history, historySize: 0 });
  const splitter = new StatementSplitter();
  let running: AbortController | null = null;
  let queue = Promise.resolve();
  let closed = false;

  const prompt = () => {
    if (closed) return;
    rl.setPrompt(splitter.pending ? CONTINUE : PROMPT);
    rl.prompt();
  };
  const remember = (entry: string) => {
    if (!keepInHistory(entry)) return;
    const seen = history.indexOf(entry);
    if (seen >= 0) history.splice(seen, 1);
    history.unshift(entry);
    history.length = Math.min(history.length, HISTORY_SIZE);
    try {
      // Owner-only when the file is created: it holds what was typed.
      appendFileSync(file, `${entry}\n`, { mode: 0o600 });
    } catch {
      // History is a convenience: a read-only home must not stop the shell.
    }
  };

  async function run(sql: string, terminator: ';' | '\\G'): Promise<void> {
    running = new AbortController();
    try {
      const outcome = await runStatement(conn, sql, running.signal);
      writeOutcome(io, outcome, { sql, terminator }, format, true);
    } catch (err) {
      io.stdout.write(`${errorLine(err)}${running.signal.aborted ? ' (cancelled with Ctrl-C)' : ''}\n`);
      if (!conn.isConnected()) {
        io.stdout.write('The connection was lost; reconnecting.\n');
        conn = await reopen();
      }
    } finally {
      running = null;
    }
  }

  async function handle(line: string): Promise<void> {
    if (!splitter.pending) {
      const word = line.trim().replace(/;$/, '').toLowerCase();
      if (word === '\\q' || word === 'quit' || word === 'exit') {
        rl.close();
        return;
      }
      if (word === 'help' || word === '\\h' || word === '\\?') {
        io.stdout.write(HELP);
        return prompt();
      }
    }
    if (line.trim() === '\\c') {
      splitter.reset();
      return prompt();
    }
    const delimiter = splitter.delimiter;
    const statements = splitter.push(line);
    if (splitter.delimiter !== delimiter) remember(`DELIMITER ${splitter.delimiter}`);
    for (const statement of statements) {
      remember(historyEntry(statement, splitter.delimiter));
      await run(statement.sql, statement.terminator);
    }
    prompt();
  }

  io.stdout.write(`Connected. Statements end with ; or \\G; \\q quits, help lists the rest.\n`);
  return new Promise<number>((resolve) => {
    rl.on('line', (line) => {
      queue = queue
        .then(() => handle(line))
        .catch((err: unknown) => {
          io.stdout.write(`${errorLine(err)}\n`);
          prompt();
        });
    });
    rl.on('SIGINT', () => {
      if (running) {
        io.stdout.write('^C\n');
        running.abort();
        return;
      }
      io.stdout.write(splitter.pending ? '^C\n' : '^C (\\q or Ctrl-D to leave)\n');
      splitter.reset();
      discardTypedLine(rl);
      prompt();
    });
    rl.on('close', () => {
      closed = true;
      // A statement still running prints its result first: Bye is the last thing on the screen.
      void queue.then(() => {
        io.stdout.write('\nBye\n');
        resolve(0);
      });
    });
    prompt();
  });
}
