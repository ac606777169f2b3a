import { OptionError, ProgrammingError } from '@s2/base';
import type { Queryable } from '../session/types.js';
import { labelledRows } from './rows.js';

export type VariableScope = 'local' | 'global' | 'cluster local' | 'cluster global';

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

  private get showScope(): string {
    return this.scope.toUpperCase();
  }

  private get setScope(): string {
    return this.scope.replace('local', 'session').toUpperCase();
  }

  async get(name: string): Promise<unknown> {
    const n = checkName(name);
    const rows = await labelledRows(this.conn, `SHOW ${this.showScope} VARIABLES LIKE ?`, [n]);
    const exact = rows.filter((r) => String(r.VariableName).toLowerCase() === n.toLowerCase());
    if (exact.length === 0) throw new ProgrammingError(`No variable found with the name '${n}'.`);
    if (exact.length > 1) throw new ProgrammingError(`Multiple variables found with the name '${n}'.`);
    return interpret(exact[0].Value);
  }

  async set(name: string, value: unknown): Promise<void> {
    await this.setAll({ [name]: value });
  }

  /** Reads several variables with one statement. */
  async getAll(names?: readonly string[]): Promise<Record<string, unknown>> {
    const rows = await labelledRows(this.conn, `SHOW ${this.showScope} VARIABLES`);
    const wanted = names ? new Set(names.map((n) => checkName(n).toLowerCase())) : null;
    const out: Record<string, unknown> = {};
    for (const r of rows) {
      const key = String(r.VariableName);
      if (!wanted || wanted.has(key.toLowerCase())) out[key] = interpret(r.Value);
    }
    if (wanted) {
      const missing = [...wanted].filter((n) => !Object.keys(out).some((k) => k.toLowerCase() === n));
      if (missing.length) throw new ProgrammingError(`No variable found with the name(s): ${missing.join(', ')}`);
    }
    return out;
  }

  /** Sets several variables with one statement. */
  async setAll(values: Record<string, unknown>): Promise<void> {
    const parts = Object.entries(values).map(([k, v]) => {
      const literal = v === true ? "'ON'" : v === false ? "'OFF'" : this.conn.literal(v);
      return `${checkName(k)} = ${literal}`;
    });
    if (parts.length === 0) return;
    await this.conn.execute(`SET ${this.setScope} ${parts.join(`, ${this.setScope} `)}`);
  }
}
