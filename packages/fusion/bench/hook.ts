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

async function nsPerOp(sql: string, n: number): Promise<number> {
  for (let i = 0; i < 20_000; i++) await cur.execute(sql);
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await cur.execute(sql);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / n);
  }
  return best;
}

const N = 200_000;
const rows: [string, number][] = [];
uninstallFusion();
rows.push(['no hook installed', await nsPerOp('SELECT 1', N)]);
installFusion({ enabled: false });
rows.push(['Fusion installed, enabled: false', await nsPerOp('SELECT 1', N)]);
process.env.SINGLESTOREDB_FUSION_ENABLED = '0';
installFusion({ enabled: undefined });
rows.push(['Fusion installed, SINGLESTOREDB_FUSION_ENABLED=0', await nsPerOp('SELECT 1', N)]);
delete process.env.SINGLESTOREDB_FUSION_ENABLED;
installFusion({ enabled: true });
rows.push(['Fusion enabled, plain SQL', await nsPerOp('SELECT 1', N)]);
rows.push(["Fusion enabled, SHOW FUSION COMMANDS LIKE 'SHOW F%'", await nsPerOp("SHOW FUSION COMMANDS LIKE 'SHOW F%'", 2_000)]);
uninstallFusion();

console.log('Cursor.execute with an in-memory transport (best of 5 rounds, ns per statement)');
for (const [what, ns] of rows) console.log(`  ${what.padEnd(52)} ${ns.toFixed(0).padStart(8)} ns`);
