import { DatabaseError } from '@s2/base';
import type { Queryable } from '../session/types.js';
import { labelledRows } from './rows.js';

/** Rows of a SHOW command, plus column-wise access (`result.column('Name')`). */
export class ShowResult extends Array<Record<string, unknown>> {
  static override get [Symbol.species]() {
    return Array;
  }

  /** Labels of the first row ('Name' first); empty when there are no rows. */
  get columns(): string[] {
    return this.length ? Object.keys(this[0]) : [];
  }

  column(label: string): unknown[] {
    return this.map((r) => r[label]);
  }

  /** A plain-text table, for logs and terminals. */
  toTable(): string {
    const cols = this.columns;
    const cells = this.map((r) => cols.map((c) => (r[c] === null || r[c] === undefined ? 'NULL' : String(r[c]))));
    const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
    const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
    return [line(cols), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
  }
}

function showResult(rows: readonly Record<string, unknown>[]): ShowResult {
  const out = new ShowResult();
  out.push(...rows);
  return out;
}

/** ER_PARSE_ERROR: how MySQL and MariaDB answer SHOW PROCEDURES. */
const PARSE_ERROR = 1064;

const ident = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/** `conn.show`: the SHOW commands of wire.md §9.1 with typed, normalised rows. */
export class ShowAccessor {
  constructor(private readonly conn: Queryable) {}

  private async run(suffix: string): Promise<ShowResult> {
    return showResult(await labelledRows(this.conn, `SHOW ${suffix}`, undefined, true));
  }

  columns(table: string, full = false) {
    return this.run(`${full ? 'FULL ' : ''}COLUMNS IN ${ident(table)}`);
  }
  tables(extended = false) {
    return this.run(`TABLES${extended ? ' EXTENDED' : ''}`);
  }
  warnings() {
    return this.run('WARNINGS');
  }
  errors() {
    return this.run('ERRORS');
  }
  databases(extended = false) {
    return this.run(`DATABASES${extended ? ' EXTENDED' : ''}`);
  }
  databaseStatus() {
    return this.run('DATABASE STATUS');
  }
  globalStatus() {
    return this.run('GLOBAL STATUS');
  }
  indexes(table: string) {
    return this.run(`INDEXES IN ${ident(table)}`);
  }
  functions() {
    return this.run('FUNCTIONS');
  }
  partitions(extended = false) {
    return this.run(`PARTITIONS${extended ? ' EXTENDED' : ''}`);
  }
  pipelines() {
    return this.run('PIPELINES');
  }
  plan(planId: number, json = false) {
    return this.run(`PLAN ${json ? 'JSON ' : ''}${Math.trunc(planId)}`);
  }
  plancache() {
    return this.run('PLANCACHE');
  }
  processlist() {
    return this.run('PROCESSLIST');
  }
  reproduction(outfile?: string) {
    return this.run(outfile ? `REPRODUCTION INTO OUTFILE ${this.conn.literal(outfile)}` : 'REPRODUCTION');
  }
  schemas() {
    return this.run('SCHEMAS');
  }
  sessionStatus() {
    return this.run('SESSION STATUS');
  }
  status(extended = false) {
    return this.run(`STATUS${extended ? ' EXTENDED' : ''}`);
  }
  tableStatus() {
    return this.run('TABLE STATUS');
  }
  /**
   * `SHOW PROCEDURES`: on SingleStore `Name`, `RoutineLifetime`, `Definer`. Servers without it
   * (MySQL, MariaDB: a syntax error) get `SHOW PROCEDURE STATUS WHERE Db = DATABASE()` instead,
   * the procedures of the current database with that statement's columns, `Name` moved first
   * (`Name`, `Db`, `Type`, `Definer`, `Modified`, `Created`, `SecurityType`, `Comment`, …).
   */
  async procedures(): Promise<ShowResult> {
    try {
      return await this.run('PROCEDURES');
    } catch (err) {
      if (!(err instanceof DatabaseError) || err.errno !== PARSE_ERROR) throw err;
    }
    const rows = await labelledRows(this.conn, 'SHOW PROCEDURE STATUS WHERE Db = DATABASE()');
    return showResult(rows.map(({ Name, ...rest }) => ({ Name, ...rest })));
  }
  aggregates() {
    return this.run('AGGREGATES');
  }
  createAggregate(name: string) {
    return this.run(`CREATE AGGREGATE ${ident(name)}`);
  }
  createFunction(name: string) {
    return this.run(`CREATE FUNCTION ${ident(name)}`);
  }
  createPipeline(name: string, extended = false) {
    return this.run(`CREATE PIPELINE ${ident(name)}${extended ? ' EXTENDED' : ''}`);
  }
  createTable(name: string) {
    return this.run(`CREATE TABLE ${ident(name)}`);
  }
  createView(name: string) {
    return this.run(`CREATE VIEW ${ident(name)}`);
  }
}
