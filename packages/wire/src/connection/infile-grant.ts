import { realpathSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import { OperationalError, type InfileSource } from '@s2/base';

/** MySQL's CR_LOAD_DATA_LOCAL_INFILE_REJECTED: the client refused the server's file request. */
export const CR_LOCAL_INFILE_REJECTED = 2068;

/**
 * File names in the `LOAD DATA|XML [LOW_PRIORITY|CONCURRENT] LOCAL INFILE '<name>'` clauses of
 * a statement, read outside string literals, quoted identifiers and comments, so a clause
 * inside an interpolated value never counts.
 */
export function localInfileNames(sql: string, noBackslashEscapes: boolean): string[] {
  const tokens: { word?: string; text?: string }[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= n) break;
        const d = sql[j];
        if (d === '\\' && !noBackslashEscapes && j + 1 < n) {
          text += unescapeChar(sql[j + 1]);
          j += 2;
          continue;
        }
        if (d === c) {
          if (sql[j + 1] === c) {
            text += c;
            j += 2;
            continue;
          }
          j++;
          break;
        }
        text += d;
        j++;
      }
      tokens.push({ text });
      i = j;
    } else if (c === '`') {
      const close = sql.indexOf('`', i + 1);
      i = close < 0 ? n : close + 1;
      tokens.push({});
    } else if ((c === '-' && sql[i + 1] === '-' && (i + 2 >= n || /\s/.test(sql[i + 2]))) || c === '#') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j])) j++;
      tokens.push({ word: sql.slice(i, j).toUpperCase() });
      i = j;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      tokens.push({});
      i++;
    }
  }
  const names: string[] = [];
  for (let t = 0; t + 4 < tokens.length; t++) {
    if (tokens[t].word !== 'LOAD' || (tokens[t + 1].word !== 'DATA' && tokens[t + 1].word !== 'XML')) continue;
    let k = t + 2;
    if (tokens[k].word === 'LOW_PRIORITY' || tokens[k].word === 'CONCURRENT') k++;
    if (tokens[k]?.word === 'LOCAL' && tokens[k + 1]?.word === 'INFILE' && tokens[k + 2]?.text !== undefined) names.push(tokens[k + 2].text!);
  }
  return names;
}

function unescapeChar(c: string): string {
  switch (c) {
    case '0':
      return '\0';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'Z':
      return '\x1a';
    default:
      return c;
  }
}

/** What a LOCAL INFILE request may be answered with: data, or a refusal. */
export type InfileAnswer = { source: InfileSource } | { path: string } | { refused: OperationalError };

const refuse = (message: string): InfileAnswer => ({ refused: new OperationalError(message, { errno: CR_LOCAL_INFILE_REJECTED }) });

/**
 * What the application offered for one statement. The server's request is answered only with
 * that: the statement's `infile` data, or a file the statement names that lies under
 * `localInfileDir` (after resolving `..` and symbolic links). One answer per LOCAL INFILE
 * clause of the statement; everything else is refused.
 */
export class InfileGrant {
  private readonly names: string[];
  private sourceUsed = false;

  constructor(
    sql: string,
    noBackslashEscapes: boolean,
    private readonly enabled: boolean,
    private readonly source: InfileSource | undefined,
    private readonly dir: string | undefined,
  ) {
    this.names = enabled ? localInfileNames(sql, noBackslashEscapes) : [];
  }

  answer(requested: string): InfileAnswer {
    const asked = `The server asked for LOCAL INFILE '${requested}'`;
    if (!this.enabled) return refuse(`${asked}, but localInfile is not enabled on this connection`);
    if (this.names.length === 0) return refuse(`${asked} in answer to a statement without a LOAD DATA LOCAL INFILE clause; refused`);
    if (this.source !== undefined) {
      if (this.sourceUsed) return refuse(`${asked} again, but the data offered for this statement has been sent already; refused`);
      this.sourceUsed = true;
      this.names.shift();
      return { source: this.source };
    }
    const at = this.names.indexOf(requested);
    if (at < 0) return refuse(`${asked}, which the statement does not name; refused`);
    this.names.splice(at, 1);
    if (requested === ':stream:') return refuse(`${asked}: ':stream:' needs data passed as the statement's infile option`);
    if (!this.dir) {
      return refuse(
        `${asked}: reading files named in statements needs localInfileDir (the directory they may come from), or pass the data as the infile option`,
      );
    }
    let dir: string;
    let real: string;
    try {
      dir = realpathSync(this.dir);
    } catch (err) {
      return refuse(`${asked}: localInfileDir '${this.dir}' cannot be resolved (${(err as Error).message})`);
    }
    try {
      real = realpathSync(isAbsolute(requested) ? requested : resolve(dir, requested));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return {
        refused: new OperationalError(code === 'ENOENT' ? `Can't find file '${requested}'` : `Can't read file '${requested}': ${(err as Error).message}`, {
          errno: 1017,
          cause: err,
        }),
      };
    }
    if (!real.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return refuse(`${asked}, which is outside localInfileDir '${this.dir}'; refused`);
    return { path: real };
  }
}
