import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Connection } from '@s2/core';
import type { OutputFormat } from './render.js';
import { runStatement } from './session.js';
import { StatementSplitter } from './split.js';
import { errorLine, writeOutcome, type SqlIo } from './output.js';

const PROMPT = 's2> ';
const CONTINUE = '    -> ';
const HISTORY_SIZE = 1000;

const HELP = `Statements end with ; (table) or \\G (one row per block). Multi-line input continues until then.
  \\q, quit, exit   leave (or Ctrl-D)
  \\c               forget the statement being typed (or Ctrl-C at the prompt)
  Ctrl-C           while a query runs: cancel it (KILL QUERY) and stay in the shell
`;

/**
 * Lines that may carry a password never reach the history file (the mysql client's default
 * histignore does the same: `*IDENTIFIED*:*PASSWORD*`).
 */
export function keepInHistory(line: string): boolean {
  return line.trim() !== '' && !/IDENTIFIED|PASSWORD/i.test(line);
}

function historyFile(env: NodeJS.ProcessEnv): string {
  return env.S2_HISTFILE ?? join(homedir(), '.s2_history');
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
 * The interactive prompt. Lines are handled strictly in order (a statement typed while another
 * runs waits for it); Ctrl-C aborts the running statement through its AbortSignal, which makes
 * the connection send KILL QUERY, and the prompt comes back. A connection that the abort left
 * unusable is replaced by a new one.
 */
export async function runRepl(first: Connection, io: SqlIo, format: OutputFormat, reopen: () => Promise<Connection>): Promise<number> {
  let conn = first;
  const file = historyFile(io.env);
  const rl = createInterface({
    input: io.stdin,
    output: io.stdout,
    terminal: true,
    history: loadHistory(file),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  });
  const splitter = new StatementSplitter();
  let running: AbortController | null = null;
  let queue = Promise.resolve();
  let closed = false;

  const prompt = () => {
    if (closed) return;
    rl.setPrompt(splitter.pending ? CONTINUE : PROMPT);
    rl.prompt();
  };
  const remember = (line: string) => {
    try {
      // Owner-only when the file is created: it holds what was typed.
      appendFileSync(file, `${line.replace(/\n/g, ' ')}\n`, { mode: 0o600 });
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
    if (keepInHistory(line)) remember(line);
    for (const statement of splitter.push(line)) await run(statement.sql, statement.terminator);
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
      } else if (splitter.pending) {
        splitter.reset();
        io.stdout.write('^C\n');
        prompt();
      } else {
        io.stdout.write('^C (\\q or Ctrl-D to leave)\n');
        prompt();
      }
    });
    rl.on('close', () => {
      closed = true;
      io.stdout.write('\nBye\n');
      void queue.then(() => resolve(0));
    });
    prompt();
  });
}
