/**
 * The source text of JSON-column cells in a Data API `query/tuples` body. A JSON column's
 * value arrives nested as JSON; its text in the body is the server's text (the Data API and
 * `s2 data-api-gateway` pass it through), so reading it from there instead of re-serialising
 * the parsed value keeps every digit, the number spellings and the string quotes.
 *
 * The body has been parsed (and so validated) already: this only walks its structure.
 */
class Walker {
  i = 0;
  constructor(private readonly s: string) {}

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.i++;
    }
  }

  private skipString(): void {
    const s = this.s;
    for (let from = this.i + 1; ; ) {
      const q = s.indexOf('"', from);
      if (q < 0) throw new SyntaxError('unterminated string');
      let backslashes = 0;
      while (s.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
      from = q + 1;
      if (backslashes % 2 === 0) {
        this.i = from;
        return;
      }
    }
  }

  /** Skips one value and returns where it started. */
  value(): number {
    this.ws();
    const s = this.s;
    const start = this.i;
    const c = s[start];
    if (c === '"') this.skipString();
    else if (c === '{' || c === '[') {
      let depth = 0;
      do {
        const ch = s[this.i];
        if (ch === '"') {
          this.skipString();
          continue;
        }
        if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') depth--;
        this.i++;
      } while (depth > 0);
    } else {
      while (this.i < s.length && !/[\s,\]}]/.test(s[this.i])) this.i++;
    }
    return start;
  }

  slice(start: number): string {
    return this.s.slice(start, this.i);
  }

  /** Calls `each` for every member of the object at the cursor, with the cursor on its value. */
  members(each: (key: string) => void): void {
    this.ws();
    this.i++; // {
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      const start = this.value();
      const key = JSON.parse(this.slice(start)) as string;
      this.ws();
      this.i++; // :
      each(key);
      this.ws();
      if (this.s[this.i++] === '}') return;
    }
  }

  /** Calls `each` for every element of the array at the cursor, with the cursor on it. */
  elements(each: (index: number) => void): void {
    this.ws();
    this.i++; // [
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return;
    }
    for (let index = 0; ; index++) {
      each(index);
      this.ws();
      if (this.s[this.i++] === ']') return;
    }
  }
}

/**
 * For result `k` of the body and each column index in `wanted[k]`, the source text of that
 * column's cells, row by row: `texts[k][column][row]`.
 */
export function jsonCellTexts(body: string, wanted: readonly (readonly number[])[]): string[][][] {
  const texts: string[][][] = wanted.map((columns) => {
    const perColumn: string[][] = [];
    for (const j of columns) perColumn[j] = [];
    return perColumn;
  });
  const w = new Walker(body);
  w.members((key) => {
    if (key !== 'results') return void w.value();
    w.elements((k) => {
      const columns = wanted[k];
      if (!columns?.length) return void w.value();
      w.members((member) => {
        if (member !== 'rows') return void w.value();
        w.elements(() =>
          w.elements((j) => {
            const start = w.value();
            texts[k][j]?.push(w.slice(start));
          }),
        );
      });
    });
  });
  return texts;
}
