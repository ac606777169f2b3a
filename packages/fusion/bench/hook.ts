/**
 * What Fusion costs statements that are not Fusion commands, measured on Cursor.execute with an
 * in-memory transport (so the network does not hide nanoseconds):
 *   1. no hook installed (the execute path of @s2/core alone),
 *   2. Fusion installed but disabled (by the option: no hook; by the variable: read per statement),
 *   3. Fusion enabled, statement not a Fusion command (one anchored regex test),
 *   4. Fusion enabled, a Fusion command (SHOW FUSION COMMANDS LIKE ..., parsed and answered).
 * Run: pnpm --filter @s2/fusion bench
 */
import { Connection, resolveConnectParams } from '@s2/core';
import type { QueryResponse, ResultSet, SqlTransport } from '@s2/base';
import { installFusion, uninstallFusion } from '../src/index.js';

const ok: ResultSet = {
  columns: null,
  read: async () => [],
  async *[Symbol.asyncIterator]() {},
  complete: true,
  status: { affectedRows: 0, insertId: 0, serverStatus: 2, warningCount: 0, info: '' },
  hasMore: false,
};
const response: QueryResponse = { current: ok, nextResult: async () => null, drain: async () => {} };
const transport: SqlTransport = {
  session: { serverVersion: '8.0.0', connectionId: 1, serverStatus: 2, charset: 'utf8mb4', database: null },
  isOpen: true,
  query: async () => response,
  ping: async () => {},
  selectDb: async () => {},
  reset: async () => {},
  close: async () => {},
  destroy: () => {},
};

const conn = new Connection(transport, resolveConnectParams('mysql://bench@localhost/db'));
const cur = conn.cursor();

/** One timing of `n` statements, in ns per statement. */
async function timeOnce(sql: string, n: number): Promise<number> {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await cur.execute(sql);
  return Number(process.hrtime.bigint() - t) / n;
}

interface Case { what: string; sql: string; n: number; setup(): void }
const cases: Case[] = [
  { what: 'no hook installed', sql: 'SELECT 1', n: 100_000, setup: () => uninstallFusion() },
  { what: 'Fusion installed, enabled: false', sql: 'SELECT 1', n: 100_000, setup: () => installFusion({ enabled: false }) },
  {
    what: 'Fusion installed, SINGLESTOREDB_FUSION_ENABLED=0', sql: 'SELECT 1', n: 100_000,
    setup: () => {
      process.env.SINGLESTOREDB_FUSION_ENABLED = '0';
      installFusion({ enabled: undefined });
    },
  },
  { what: 'Fusion enabled, plain SQL', sql: 'SELECT 1', n: 100_000, setup: () => installFusion({ enabled: true }) },
  { what: "Fusion enabled, SHOW FUSION COMMANDS LIKE 'SHOW F%'", sql: "SHOW FUSION COMMANDS LIKE 'SHOW F%'", n: 2_000, setup: () => installFusion({ enabled: true }) },
];

// Rounds interleave the cases, so that load from elsewhere on the machine hits them alike;
// each case keeps its best round.
const best = cases.map(() => Infinity);
for (let round = 0; round < 7; round++) {
  for (const [i, c] of cases.entries()) {
    c.setup();
    if (round === 0) await timeOnce(c.sql, Math.min(c.n, 20_000));
    best[i] = Math.min(best[i], await timeOnce(c.sql, c.n));
    delete process.env.SINGLESTOREDB_FUSION_ENABLED;
  }
}
uninstallFusion();

console.log('Cursor.execute with an in-memory transport (best of 7 interleaved rounds, ns per statement)');
cases.forEach((c, i) => console.log(`  ${c.what.padEnd(52)} ${best[i].toFixed(0).padStart(8)} ns`));
