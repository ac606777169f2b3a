import { OptionError } from '@s2/base';

/** How a statement was ended: the delimiter (`;` by default) or `\g` for tables, `\G` for vertical output. */
export type Terminator = ';' | '\\G';

export interface Statement {
  sql: string;
  terminator: Terminator;
}

type State = 'code' | 'single' | 'double' | 'backtick' | 'line-comment' | 'block-comment';

/**
 * The argument of the mysql client's `DELIMITER` command: the first word after it, or a quoted
 * string; the rest of the line is ignored, as there.
 */
function delimiterArgument(rest: string): string {
  const text = rest.trimStart();
  const quote = text[0];
  let arg: string;
  if (quote === "'" || quote === '"' || quote === '`') {
    const end = text.indexOf(quote, 1);
    arg = text.slice(1, end < 0 ? undefined : end);
  } else {
    arg = /^\S*/.exec(text)![0];
  }
  if (arg === '') throw new OptionError("DELIMITER must be followed by a 'delimiter' character or string");
  // `\g` and `\G` must keep ending statements whatever the delimiter.
  if (arg.includes('\\')) throw new OptionError('DELIMITER cannot contain a backslash character');
  return arg;
}

/**
 * Splits SQL text into statements as it arrives, line by line, the way the mysql client does:
 * the delimiter (`;` unless changed), `\g` and `\G` end a statement outside quotes and comments;
 * a statement may span lines. `DELIMITER //` on a line of its own, between statements, changes
 * the delimiter so that bodies of procedures and triggers can hold `;`.
 * Keeps its state between `push` calls, so an interactive prompt knows when to continue.
 */
export class StatementSplitter {
  private buffer = '';
  private state: State = 'code';
  private current = ';';

  /** What ends a statement besides `\g` and `\G`; survives `reset()`, as in the mysql client. */
  get delimiter(): string {
    return this.current;
  }

  /** True while a statement has started but not ended (the prompt shows a continuation). */
  get pending(): boolean {
    return this.buffer.trim() !== '' || this.state === 'block-comment' || this.state === 'single' || this.state === 'double' || this.state === 'backtick';
  }

  /** Forgets a half-typed statement (Ctrl-C at the prompt). */
  reset(): void {
    this.buffer = '';
    this.state = 'code';
  }

  /**
   * Feeds one line (without its newline); returns the statements it completed. A `DELIMITER`
   * line completes none; one without a usable argument is an OptionError (the delimiter stays).
   */
  push(line: string): Statement[] {
    if (!this.pending) {
      // Only between statements, like the mysql client: inside one it is SQL text.
      const command = /^\s*delimiter(?:\s+(.*))?$/i.exec(line);
      if (command) {
        this.current = delimiterArgument(command[1] ?? '');
        this.buffer = '';
        return [];
      }
    }
    const out: Statement[] = [];
    const text = `${line}\n`;
    const delimiter = this.current;
    let i = 0;
    while (i < text.length) {
      const c = text[i]!;
      const next = text[i + 1];
      switch (this.state) {
        case 'code':
          // The delimiter is looked for first, as the mysql client does: `//` or `$$` are no comment or quote.
          if (text.startsWith(delimiter, i)) {
            const sql = this.buffer.trim();
            if (sql !== '') out.push({ sql, terminator: ';' });
            this.buffer = '';
            i += delimiter.length;
            continue;
          }
          if (c === "'") this.state = 'single';
          else if (c === '"') this.state = 'double';
          else if (c === '`') this.state = 'backtick';
          else if (c === '#' || (c === '-' && next === '-' && /\s/.test(text[i + 2] ?? '\n'))) this.state = 'line-comment';
          else if (c === '/' && next === '*') {
            this.state = 'block-comment';
            this.buffer += '/*';
            i += 2;
            continue;
          } else if (c === '\\' && (next === 'g' || next === 'G')) {
            const sql = this.buffer.trim();
            if (sql !== '') out.push({ sql, terminator: next === 'G' ? '\\G' : ';' });
            this.buffer = '';
            i += 2;
            continue;
          }
          break;
        case 'single':
        case 'double':
        case 'backtick': {
          const quote = this.state === 'single' ? "'" : this.state === 'double' ? '"' : '`';
          if (c === '\\' && this.state !== 'backtick') {
            this.buffer += c + (next ?? '');
            i += 2;
            continue;
          }
          if (c === quote) this.state = 'code';
          break;
        }
        case 'line-comment':
          if (c === '\n') this.state = 'code';
          break;
        case 'block-comment':
          if (c === '*' && next === '/') {
            this.state = 'code';
            this.buffer += '*/';
            i += 2;
            continue;
          }
          break;
      }
      // Line comments are dropped: a trailing `-- note` must not swallow the terminator of the next line.
      if (this.state !== 'line-comment' || c === '\n') this.buffer += c;
      i++;
    }
    return out;
  }

  /** What is left at end of input (a last statement without a terminator). */
  flush(): Statement[] {
    const sql = this.buffer.trim();
    this.reset();
    return sql === '' ? [] : [{ sql, terminator: ';' }];
  }
}

/** All statements of a script. */
export function splitStatements(script: string): Statement[] {
  const splitter = new StatementSplitter();
  const out: Statement[] = [];
  for (const line of script.split(/\r?\n/)) out.push(...splitter.push(line));
  out.push(...splitter.flush());
  return out;
}
