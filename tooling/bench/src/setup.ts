/**
 * The benchmark server: a throwaway MariaDB (or `SINGLESTOREDB_URL`) with the standard tables
 * loaded. Shared by `main.ts` (pnpm bench) and `profile.ts` (one runner under --cpu-prof).
 */
import mysql from 'mysql2/promise';
import { startMariaDb } from '@s2/testing';
import { fillSql, TABLES_SQL } from './workloads.js';

export interface Target {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export async function prepare(target: Target, rows: number): Promise<void> {
  const conn = await mysql.createConnection({ ...target, database: undefined, multipleStatements: false });
  await conn.query(`CREATE DATABASE IF NOT EXISTS \`${target.database}\``);
  await conn.query(`USE \`${target.database}\``);
  for (const sql of TABLES_SQL) await conn.query(sql);
  const [[{ n }]] = (await conn.query('SELECT COUNT(*) AS n FROM wide')) as unknown as [[{ n: number }]];
  if (Number(n) !== rows) {
    await conn.query('TRUNCATE wide');
    await conn.query('TRUNCATE ints');
    for (const sql of fillSql(rows)) await conn.query(sql);
  }
  await conn.end();
}

/** Starts the server (unless SINGLESTOREDB_URL names one); `stop` is a no-op for an external one. */
export async function startTarget(): Promise<{ target: Target; stop: () => Promise<void> }> {
  const url = process.env.SINGLESTOREDB_URL;
  if (url) {
    const u = new URL(url.includes('//') ? url : `mysql://${url}`);
    const target = {
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: 's2_bench',
    };
    return { target, stop: async () => {} };
  }
  const server = await startMariaDb();
  const target = { host: server.info.host, port: server.info.port, user: server.info.root.user, password: server.info.root.password, database: 's2_bench' };
  return { target, stop: () => server.stop() };
}

export async function serverVersion(target: Target): Promise<string> {
  const conn = await mysql.createConnection(target);
  const [[row]] = (await conn.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]];
  await conn.end();
  return row.v;
}
