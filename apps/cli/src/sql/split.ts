/** How a statement was ended: `;` (or `\g`) for tables, `\G` for vertical output. */
export type Terminator = ';' | '\\G';

export interface Statement {
  sql: string;
  terminator: Terminator;
}

type State = 'code' | 'single' | 'double' | 'backtick' | 'line-comment' | 'block-comment';

/**
 * Splits SQL text into statements as it arrives, line by line, the way the mysql client does:
 * `;`, `\g` and `\G` end a statement outside quotes and comments; a statement may span lines.
 * Keeps its state between `push` calls, so an interactive prompt knows when to continue.
 */
export class StatementSplitter {
  private buffer = '';
  private state: State = 'code';

  /** True while a statement has started but not ended (the prompt shows a continuation). */
  get pending(): boolean {
    return this.buffer.trim() !== '' || this.state === 'block-comment' || this.state === 'single' || this.state === 'double' || this.state === 'backtick';
  }

  /** Forgets a half-typed statement (Ctrl-C at the prompt). */
  reset(): void {
    this.buffer = '';
    this.state = 'code';
  }

  /** Feeds one line (without its newline); returns the statements it completed. */
  push(line: string): Statement[] {
    const out: Statement[] = [];
    const text = `${line}\n`;
    let i = 0;
    while (i < text.length) {
      const c = text[i]!;
      const next = text[i + 1];
      switch (this.state) {
        case 'code':
          if (c === "'") this.state = 'single';
          else if (c === '"') this.state = 'double';
          else if (c === '`') this.state = 'backtick';
          else if (c === '#' || (c === '-' && next === '-' && /\s/.test(text[i + 2] ?? '\n'))) this.state = 'line-comment';
          else if (c === '/' && next === '*') {
            this.state = 'block-comment';
            this.buffer += '/*';
            i += 2;
            continue;
          } else if (c === ';' || (c === '\\' && (next === 'g' || next === 'G'))) {
            const terminator: Terminator = c === '\\' && next === 'G' ? '\\G' : ';';
            const sql = this.buffer.trim();
            if (sql !== '') out.push({ sql, terminator });
            this.buffer = '';
            i += c === ';' ? 1 : 2;
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
