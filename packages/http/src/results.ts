import type { ColumnDefinition, DecodeOptions, QueryResponse, ResultSet, StatementStatus } from '@s2/base';

/** A result held in memory: the Data API answers with every row at once. */
export class BufferedResultSet implements ResultSet {
  readonly complete = true;
  private pos = 0;
  constructor(
    readonly columns: ColumnDefinition[] | null,
    private rows: unknown[][],
    readonly status: StatementStatus,
    readonly hasMore: boolean,
    /** What the rows were decoded with (absent for results without rows). */
    readonly decodeOptions?: DecodeOptions,
  ) {}

  async read(max = Infinity): Promise<unknown[][]> {
    if (this.pos === 0 && max >= this.rows.length) {
      const all = this.rows;
      this.rows = [];
      return all;
    }
    const out = this.rows.slice(this.pos, this.pos + max);
    this.pos += out.length;
    return out;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<unknown[]> {
    for (const row of await this.read()) yield row;
  }
}

export class BufferedResponse implements QueryResponse {
  private index = 0;
  constructor(private readonly results: BufferedResultSet[]) {}

  get current(): ResultSet {
    return this.results[this.index];
  }

  async nextResult(): Promise<ResultSet | null> {
    if (this.index + 1 >= this.results.length) return null;
    this.index++;
    return this.current;
  }

  async drain(): Promise<void> {
    this.index = this.results.length - 1;
  }
}
