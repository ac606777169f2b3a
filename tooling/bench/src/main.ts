/**
 * `pnpm bench`: starts (or uses) a server, loads the standard tables, runs every client as its
 * own process several times, and reports medians and ratios to the raw drain and to mysql2.
 * Writes BENCHMARKS.md at the repository root.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { startDataApiGateway, startMariaDb } from '@s2/testing';
import type { Measurement, RunnerConfig } from './runners/measure.js';
import { fillSql, HTTP_RUNS, INSERT_RUNS, READ_RUNS, TABLES_SQL, type Run } from './workloads.js';

const run = promisify(execFile);
const ROWS = Number(process.env.S2_BENCH_ROWS ?? 1_000_000);
const REPEATS = Number(process.env.S2_BENCH_REPEATS ?? 3);
const ONLY = process.env.S2_BENCH_ONLY ? new RegExp(process.env.S2_BENCH_ONLY) : null;
const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Target { host: string; port: number; user: string; password: string; database: string }

async function prepare(target: Target): Promise<void> {
  const conn = await mysql.createConnection({ ...target, database: undefined, multipleStatements: false });
  await conn.query(`CREATE DATABASE IF NOT EXISTS \`${target.database}\``);
  await conn.query(`USE \`${target.database}\``);
  for (const sql of TABLES_SQL) await conn.query(sql);
  const [[{ n }]] = (await conn.query('SELECT COUNT(*) AS n FROM wide')) as unknown as [[{ n: number }]];
  if (Number(n) !== ROWS) {
    await conn.query('TRUNCATE wide');
    await conn.query('TRUNCATE ints');
    for (const sql of fillSql(ROWS)) await conn.query(sql);
  }
  await conn.end();
}

let httpPort = 0;

async function once(r: Run, target: Target): Promise<Measurement> {
  if (r.insertRows) {
    const conn = await mysql.createConnection(target);
    await conn.query(`TRUNCATE ${r.sql}`);
    await conn.end();
  }
  const config: RunnerConfig = { ...target, sql: r.sql, mode: r.mode, rows: r.insertRows, httpPort };
  const script = fileURLToPath(new URL(`./runners/${r.runner}.ts`, import.meta.url));
  const { stdout } = await run(process.execPath, ['--conditions=s2-source', '--import', 'tsx', script, JSON.stringify(config)], {
    cwd: root, maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Measurement;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const url = process.env.SINGLESTOREDB_URL;
  const server = url ? null : await startMariaDb();
  const target: Target = url
    ? (() => { const u = new URL(url.includes('//') ? url : `mysql://${url}`); return { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: 's2_bench' }; })()
    : { host: server!.info.host, port: server!.info.port, user: server!.info.root.user, password: server!.info.root.password, database: 's2_bench' };
  try {
    console.log(`loading ${ROWS} rows into wide and ints…`);
    await prepare(target);
    const gateway = await startDataApiGateway({ target: { host: target.host, port: target.port } });
    httpPort = gateway.port;
    const results: { run: Run; m: Measurement }[] = [];
    for (const r of [...READ_RUNS, ...INSERT_RUNS, ...HTTP_RUNS]) {
      if (ONLY && !ONLY.test(r.name)) continue;
      const samples: Measurement[] = [];
      try {
        for (let i = 0; i < REPEATS; i++) samples.push(await once(r, target));
      } catch (err) {
        console.log(`${r.name.padEnd(34)} failed: ${(err as Error).message.split('\n')[0]}`);
        continue;
      }
      const m: Measurement = {
        rows: samples[0].rows,
        wallMs: median(samples.map((s) => s.wallMs)),
        cpuMs: median(samples.map((s) => s.cpuMs)),
        maxRssMiB: Math.max(...samples.map((s) => s.maxRssMiB)),
      };
      results.push({ run: r, m });
      console.log(`${r.name.padEnd(34)} ${m.wallMs.toFixed(0).padStart(7)} ms wall ${m.cpuMs.toFixed(0).padStart(7)} ms cpu ${m.maxRssMiB.toFixed(0).padStart(5)} MiB  rows ${m.rows}`);
    }
    await gateway.close();
    writeReport(results, await serverVersion(target));
  } finally {
    await server?.stop();
  }
}

function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url)), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

async function serverVersion(target: Target): Promise<string> {
  const conn = await mysql.createConnection(target);
  const [[row]] = (await conn.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]];
  await conn.end();
  return row.v;
}

function writeReport(results: { run: Run; m: Measurement }[], server: string): void {
  const find = (name: string) => results.find((x) => x.run.name === name)?.m;
  const lines: string[] = [];
  const { stdout: version } = { stdout: process.version };
  lines.push('# Benchmarks', '', `Generated by \`pnpm bench\` on ${new Date().toISOString()}.`, '');
  lines.push(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${version}; server ${server} on the same machine.`, '');
  lines.push(`Clients: s2 (pure TypeScript decoder; the native one is not built yet), mysql2 ${packageVersion('mysql2')}, mariadb ${packageVersion('mariadb')}, and a raw socket drain that walks packet headers without decoding.`, '');
  lines.push(`${ROWS} rows per table (\`wide\`: BIGINT, INT, DOUBLE, DECIMAL(12,2), VARCHAR(32), nullable TEXT, DATETIME(6), JSON; \`ints\`: two BIGINTs); inserts of 200,000 \`wide\` rows. Median of ${REPEATS} whole-process runs each; wall and CPU cover the workload only (connect + query + decode), peak RSS the whole process.`, '');
  lines.push('| run | rows | wall ms | cpu ms | peak RSS MiB | wall / raw | cpu / raw | wall / mysql2 |', '|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const { run: r, m } of results) {
    const table = r.name.split(' ')[0];
    const raw = find(`${table} raw drain`);
    const peer = find(table === 'wide' ? 'wide mysql2 rowsAsArray' : table === 'ints' ? 'ints mysql2 stream' : table === 'http100k' ? 'http100k s2 over the wire' : 'insert mysql2 multi-row');
    const ratio = (a: number, b?: number) => (b ? (a / b).toFixed(2) : '–');
    const rate = r.insertRows ? ` (${Math.round(m.rows / (m.wallMs / 1000))} rows/s)` : '';
    lines.push(`| ${r.name}${rate} | ${m.rows} | ${m.wallMs.toFixed(0)} | ${m.cpuMs.toFixed(0)} | ${m.maxRssMiB.toFixed(0)} | ${r.insertRows ? '–' : ratio(m.wallMs, raw?.wallMs)} | ${r.insertRows ? '–' : ratio(m.cpuMs, raw?.cpuMs)} | ${ratio(m.wallMs, peer?.wallMs)} |`);
  }
  lines.push('', 'CPU is the client process only (user + system); the server runs on the same two cores.');
  lines.push('For the `http100k` rows the last column compares with s2 over the wire (not mysql2); the Data API gateway runs in the harness process, in front of the same server.', '');
  writeFileSync(`${root}/BENCHMARKS.md`, lines.join('\n'));
  console.log('wrote BENCHMARKS.md');
}

await main();
