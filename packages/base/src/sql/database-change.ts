/**
 * What a statement text that is one `USE db` or one `DROP {DATABASE|SCHEMA} [IF EXISTS] db`
 * (and nothing else) does to the session's current database: selects `db`, or (a drop) leaves
 * none if `db` was it. Blanks and comments may surround it (never an executable `/*! … *\/`
 * comment, which the server runs), semicolons may follow, the name may be bare (letters of any
 * script, digits, `_`, `$`) or backquoted. Null for every other text: a USE among other
 * statements of a multi-statement text is not recognised. The wire reads the text only when the
 * server reported no database change (it lacks session tracking, or session_track_schema is
 * off); the Data API has no other source.
 */
export type DatabaseChange = { kind: 'use' | 'drop'; database: string };

export function databaseChange(sql: string): DatabaseChange | null {
  // Most statements start with a letter other than U or D: no scan for them.
  const c = sql.charCodeAt(0);
  if (c > 0x20 && !LEADS.has(c)) return null;
  const s = new Scanner(sql);
  s.skipBlanks();
  if (s.keyword('use')) {
    const database = s.name();
    return database !== null && s.atEnd() ? { kind: 'use', database } : null;
  }
  if (!s.keyword('drop') || !(s.keyword('database') || s.keyword('schema'))) return null;
  if (s.keyword('if') && !s.keyword('exists')) return null;
  const database = s.name();
  return database !== null && s.atEnd() ? { kind: 'drop', database } : null;
}

/** U, u, D, d, and the starts of comments. */
const LEADS = new Set([0x55, 0x75, 0x44, 0x64, 0x2f, 0x2d, 0x23]);
const WORD = /[\p{L}\p{N}_$]/u;

class Scanner {
  private at = 0;
  constructor(private readonly text: string) {}

  /** Skips whitespace and comments; stops at an executable or unterminated comment (which then is no blank). */
  skipBlanks(): void {
    const t = this.text;
    for (;;) {
      while (this.at < t.length && /\s/.test(t[this.at])) this.at++;
      if (t.startsWith('/*', this.at) && t[this.at + 2] !== '!' && !t.startsWith('M!', this.at + 2)) {
        const end = t.indexOf('*/', this.at + 2);
        if (end < 0) return;
        this.at = end + 2;
      } else if (t[this.at] === '#' || (t.startsWith('--', this.at) && (this.at + 2 >= t.length || /\s/.test(t[this.at + 2])))) {
        const end = t.indexOf('\n', this.at);
        this.at = end < 0 ? t.length : end + 1;
      } else return;
    }
  }

  /** The keyword `word` (case-insensitive) as a whole word, and the blanks after it. */
  keyword(word: string): boolean {
    const t = this.text;
    if (t.slice(this.at, this.at + word.length).toLowerCase() !== word) return false;
    const next = t[this.at + word.length];
    if (next !== undefined && WORD.test(next)) return false;
    this.at += word.length;
    this.skipBlanks();
    return true;
  }

  /** A bare or backquoted identifier, and the blanks after it. */
  name(): string | null {
    const t = this.text;
    let out: string;
    if (t[this.at] === '`') {
      out = '';
      let i = this.at + 1;
      for (;;) {
        const end = t.indexOf('`', i);
        if (end < 0) return null;
        out += t.slice(i, end);
        if (t[end + 1] !== '`') {
          this.at = end + 1;
          break;
        }
        out += '`';
        i = end + 2;
      }
      if (out === '') return null;
    } else {
      const start = this.at;
      while (this.at < t.length && WORD.test(t[this.at])) this.at++;
      if (this.at === start) return null;
      out = t.slice(start, this.at);
    }
    this.skipBlanks();
    return out;
  }

  /** Nothing but semicolons, blanks and comments left. */
  atEnd(): boolean {
    for (;;) {
      this.skipBlanks();
      if (this.text[this.at] !== ';') return this.at >= this.text.length;
      this.at++;
    }
  }
}
