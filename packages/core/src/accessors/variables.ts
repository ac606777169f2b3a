import { OptionError, ProgrammingError } from '@s2/base';
import type { Queryable } from '../session/types.js';
import { labelledRows } from './rows.js';

/** '' is no scope keyword (`conn.vars`), 'cluster' is `CLUSTER` alone (`conn.clusterVars`). */
export type VariableScope = 'local' | 'global' | 'cluster local' | 'cluster global' | '' | 'cluster';

const NAME = /^[A-Za-z_][\w+]*$/;

function checkName(name: string): string {
  const n = name.trim();
  if (!NAME.test(n)) throw new OptionError(`Name contains invalid characters: '${name}'`);
  return n;
}

/** 'ON'/'TRUE' → true, 'OFF'/'FALSE' → false; everything else as the server wrote it. */
function interpret(value: unknown): unknown {
  if (typeof value === 'string') {
    const v = value.toLowerCase();
    if (v === 'on' || v === 'true') return true;
    if (v === 'off' || v === 'false') return false;
  }
  return value;
}

/** Session/global (and SingleStore cluster) variables: `await conn.locals.get('autocommit')`. */
export class VariableAccessor {
  constructor(
    private readonly conn: Queryable,
    readonly scope: VariableScope,
  ) {}

  /** `SHOW <scope> VARIABLES` (one space when there is no scope keyword). */
  private get show(): string {
    return this.scope ? `SHOW ${this.scope.toUpperCase()} VARIABLES` : 'SHOW VARIABLES';
  }

  /** What precedes each assignment of a SET: local scopes are spelled SESSION there. */
  private get setScope(): string {
    return this.scope ? `${this.scope.replace('local', 'session').toUpperCase()} ` : '';
  }

  async get(name: string): Promise<unknown> {
    const n = checkName(name);
    const rows = await labelledRows(this.conn, `${this.show} LIKE ?`, [n]);
    const exact = rows.filter((r) => String(r.VariableName).toLowerCase() === n.toLowerCase());
    if (exact.length === 0) throw new ProgrammingError(`No variable found with the name '${n}'.`);
    if (exact.length > 1) throw new ProgrammingError(`Multiple variables found with the name '${n}'.`);
    return interpret(exact[0].Value);
  }

  async set(name: string, value: unknown): Promise<void> {
    await this.setAll({ [name]: value });
  }

  /**
   * Reads the named variables (all of them without `names`: then, as for any SHOW, the session's
   * `sql_select_limit` caps the rows). Keys are spelled as the server spells the names.
   */
  async getAll(names?: readonly string[]): Promise<Record<string, unknown>> {
    if (!names) {
      const rows = await labelledRows(this.conn, this.show);
      return Object.fromEntries(rows.map((r) => [String(r.VariableName), interpret(r.Value)]));
    }
    const wanted = [...new Set(names.map((n) => checkName(n).toLowerCase()))];
    const found = new Map<string, [string, unknown]>();
    const want = new Set(wanted);
    const keep = (rows: Record<string, unknown>[]) => {
      for (const r of rows) {
        const key = String(r.VariableName).toLowerCase();
        if (want.has(key)) found.set(key, [String(r.VariableName), interpret(r.Value)]);
      }
    };
    // One SHOW for all (LIKE, the form every server has, rather than WHERE … IN, which SingleStore may not take)…
    if (wanted.length) keep(await labelledRows(this.conn, this.show));
    // …but sql_select_limit caps SHOW output too: the names it cut off are read one statement each.
    for (const n of wanted) if (!found.has(n)) keep(await labelledRows(this.conn, `${this.show} LIKE ?`, [n]));
    const missing = wanted.filter((n) => !found.has(n));
    if (missing.length) throw new ProgrammingError(`No variable found with the name(s): ${missing.join(', ')}`);
    return Object.fromEntries(wanted.map((n) => found.get(n) as [string, unknown]));
  }

  /** Sets several variables with one statement. */
  async setAll(values: Record<string, unknown>): Promise<void> {
    const parts = Object.entries(values).map(([k, v]) => {
      const literal = v === true ? "'ON'" : v === false ? "'OFF'" : this.conn.literal(v);
      return `${checkName(k)} = ${literal}`;
    });
    if (parts.length === 0) return;
    await this.conn.execute(`SET ${this.setScope}${parts.join(`, ${this.setScope}`)}`);
  }
}
