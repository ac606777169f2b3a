/** The standard tables and the runs made over them (the benchmark matrix). */
export const TABLES_SQL = [
  `CREATE TABLE IF NOT EXISTS wide (
     id BIGINT PRIMARY KEY, i INT, d DOUBLE, amount DECIMAL(12,2), name VARCHAR(32),
     note TEXT NULL, ts DATETIME(6), doc JSON)`,
  `CREATE TABLE IF NOT EXISTS ints (a BIGINT, b BIGINT)`,
  `CREATE TABLE IF NOT EXISTS wide_insert LIKE wide`,
];

export function fillSql(rows: number): string[] {
  return [
    `INSERT INTO wide SELECT seq, seq % 1000, seq / 7, (seq % 100000) + 0.25, CONCAT('name-', seq),
       IF(seq % 3 = 0, NULL, CONCAT('text ', seq)),
       TIMESTAMP('2024-05-06 07:08:09.123456') + INTERVAL seq SECOND, CONCAT('{"k":', seq, '}')
     FROM seq_1_to_${rows}`,
    `INSERT INTO ints SELECT seq, seq * 7919 FROM seq_1_to_${rows}`,
  ];
}

export interface Run {
  /** Label in the report. s2 labels end in `native` or `pure`: the decoder the run forces. */
  name: string;
  runner: string;
  mode: string;
  sql: string;
  /** Insert workloads count rows written instead of rows read. */
  insertRows?: number;
  /** Pool and idle workloads: statements run. */
  statements?: number;
  /**
   * s2 only: `connect(url, { pureJs })`. true forces the TypeScript decoder, false requires the
   * native addon (the run fails rather than silently falling back).
   */
  pureJs?: boolean;
}

const WIDE = 'SELECT * FROM wide';
const INTS = 'SELECT * FROM ints';
const PURE = true;
const NATIVE = false;

/*
 * Each table has two drains. `raw drain` busy-polls its socket with non-blocking reads and never
 * sleeps: the server then never has to wake it, and sends the rows faster than to any client
 * that waits in epoll between reads (the wall floor). `raw drain epoll` reads from the event
 * loop like every client: its CPU is the floor of the client's own work (the spinning drain's
 * CPU is its wall).
 *
 * Row formats (tuples, objects, `stream`: fetchmany(4096), `for await`: the cursor's iterator,
 * `forEachRow`: a row per callback) decode packet batches with the addon in
 * `native` runs and row by row in TypeScript in `pure` runs; inserts are TypeScript on every
 * path, so those runs are `pure`.
 */
export const READ_RUNS: Run[] = [
  { name: 'wide raw drain', runner: 'raw-drain', mode: 'spin', sql: WIDE },
  { name: 'wide raw drain epoll', runner: 'raw-drain', mode: '', sql: WIDE },
  { name: 'wide mysql2 rowsAsArray', runner: 'mysql2', mode: 'array', sql: WIDE },
  { name: 'wide mysql2 objects', runner: 'mysql2', mode: 'objects', sql: WIDE },
  { name: 'wide mysql2 stream', runner: 'mysql2', mode: 'stream', sql: WIDE },
  { name: 'wide mariadb array', runner: 'mariadb', mode: 'array', sql: WIDE },
  { name: 'wide mariadb objects', runner: 'mariadb', mode: 'objects', sql: WIDE },
  { name: 'wide mariadb stream', runner: 'mariadb', mode: 'stream', sql: WIDE },
  { name: 'wide s2 tuples native', runner: 's2', mode: 'tuples', sql: WIDE, pureJs: NATIVE },
  { name: 'wide s2 tuples pure', runner: 's2', mode: 'tuples', sql: WIDE, pureJs: PURE },
  { name: 'wide s2 objects native', runner: 's2', mode: 'objects', sql: WIDE, pureJs: NATIVE },
  { name: 'wide s2 objects pure', runner: 's2', mode: 'objects', sql: WIDE, pureJs: PURE },
  { name: 'wide s2 stream native', runner: 's2', mode: 'stream', sql: WIDE, pureJs: NATIVE },
  { name: 'wide s2 stream pure', runner: 's2', mode: 'stream', sql: WIDE, pureJs: PURE },
  // for await (const row of cursor): the idiomatic row stream, one row at a time.
  { name: 'wide s2 for await native', runner: 's2', mode: 'iterate', sql: WIDE, pureJs: NATIVE },
  { name: 'wide s2 for await pure', runner: 's2', mode: 'iterate', sql: WIDE, pureJs: PURE },
  // cursor.forEachRow: one row handed to a callback at a time, like mysql2's row events.
  { name: 'wide s2 forEachRow native', runner: 's2', mode: 'row-stream', sql: WIDE, pureJs: NATIVE },
  { name: 'wide s2 forEachRow pure', runner: 's2', mode: 'row-stream', sql: WIDE, pureJs: PURE },
  { name: 'wide s2 columns native', runner: 's2', mode: 'columns', sql: WIDE, pureJs: NATIVE },
  { name: 'wide s2 columns pure', runner: 's2', mode: 'columns', sql: WIDE, pureJs: PURE },
  { name: 'wide s2 arrow native', runner: 's2', mode: 'arrow', sql: WIDE, pureJs: NATIVE },
  { name: 'wide s2 arrow pure', runner: 's2', mode: 'arrow', sql: WIDE, pureJs: PURE },
  { name: 'wide s2 columns stream native', runner: 's2', mode: 'columns-stream', sql: WIDE, pureJs: NATIVE },
  { name: 'wide s2 arrow stream native', runner: 's2', mode: 'arrow-stream', sql: WIDE, pureJs: NATIVE },
  // polars: the arrow frame decoder's Table handed to nodejs-polars (toPolars).
  { name: 'wide s2 polars native', runner: 's2', mode: 'polars', sql: WIDE, pureJs: NATIVE },
  { name: 'ints raw drain', runner: 'raw-drain', mode: 'spin', sql: INTS },
  { name: 'ints raw drain epoll', runner: 'raw-drain', mode: '', sql: INTS },
  { name: 'ints mysql2 stream', runner: 'mysql2', mode: 'stream', sql: INTS },
  { name: 'ints mariadb stream', runner: 'mariadb', mode: 'stream', sql: INTS },
  { name: 'ints s2 stream pure', runner: 's2', mode: 'stream', sql: INTS, pureJs: PURE },
  { name: 'ints s2 columns stream native', runner: 's2', mode: 'columns-stream', sql: INTS, pureJs: NATIVE },
  { name: 'ints s2 arrow stream native', runner: 's2', mode: 'arrow-stream', sql: INTS, pureJs: NATIVE },
];

/** Rows of `wide` written by every insert run (benchRow(0..n-1), the same values for each client). */
export const INSERT_ROWS = 200_000;

/* Parameter binding and the LOAD DATA encoder are TypeScript on every path: s2 inserts are `pure`. */
export const INSERT_RUNS: Run[] = [
  { name: 'insert mysql2 multi-row', runner: 'mysql2', mode: 'insert', sql: 'wide_insert', insertRows: INSERT_ROWS },
  { name: 'insert mysql2 LOAD DATA LOCAL', runner: 'mysql2', mode: 'infile', sql: 'wide_insert', insertRows: INSERT_ROWS },
  { name: 'insert mariadb batch', runner: 'mariadb', mode: 'insert', sql: 'wide_insert', insertRows: INSERT_ROWS },
  { name: 'insert s2 executemany pure', runner: 's2', mode: 'insert', sql: 'wide_insert', insertRows: INSERT_ROWS, pureJs: PURE },
  // executemany(..., { binary: true }): COM_STMT_EXECUTE of 1,000-row chunks instead of INSERT text.
  { name: 'insert s2 executemany binary pure', runner: 's2', mode: 'insert-binary', sql: 'wide_insert', insertRows: INSERT_ROWS, pureJs: PURE },
  { name: 'insert s2 load() array pure', runner: 's2', mode: 'load-array', sql: 'wide_insert', insertRows: INSERT_ROWS, pureJs: PURE },
  { name: 'insert s2 load() generator pure', runner: 's2', mode: 'load-generator', sql: 'wide_insert', insertRows: INSERT_ROWS, pureJs: PURE },
];

const WIDE_100K = 'SELECT * FROM wide LIMIT 100000';

/** Data API runs go through the gateway (started by the harness, outside the measured process). */
export const HTTP_RUNS: Run[] = [
  { name: 'http100k raw drain', runner: 'raw-drain', mode: 'spin', sql: WIDE_100K },
  { name: 'http100k raw drain epoll', runner: 'raw-drain', mode: '', sql: WIDE_100K },
  { name: 'http100k s2 over the wire pure', runner: 's2', mode: 'tuples', sql: WIDE_100K, pureJs: PURE },
  { name: 'http100k s2 over HTTP pure', runner: 's2', mode: 'http-tuples', sql: WIDE_100K, pureJs: PURE },
  { name: 'http100k bare fetch + JSON.parse', runner: 'fetch-json', mode: '', sql: WIDE_100K },
  { name: 'http100k undici request + JSON.parse', runner: 'fetch-json', mode: 'undici', sql: WIDE_100K },
];

/** The service workloads (issue #19): small statements, every client with its default options. */
const POOL_QUERIES = Number(process.env.S2_BENCH_POOL_QUERIES ?? 30_000);
const IDLE_QUERIES = Number(process.env.S2_BENCH_IDLE_QUERIES ?? 60_000);
const CLIENTS = ['s2', 'mysql2', 'mariadb'];

export const SERVICE_RUNS: Run[] = [
  // `SELECT ? + 1` with 1,000 in flight on a pool of 8 connections.
  ...CLIENTS.map((c): Run => ({ name: `pool ${c}`, runner: c, mode: 'pool', sql: '', statements: POOL_QUERIES })),
  // One connection, sequential `SELECT ? + 1`, then 2 s with nothing to do: settled RSS and heap.
  ...CLIENTS.map((c): Run => ({ name: `idle ${c}`, runner: c, mode: 'idle', sql: '', statements: IDLE_QUERIES })),
  // import + connect + SELECT 1 + exit: the whole process is the measure.
  ...CLIENTS.map((c): Run => ({ name: `cold start ${c}`, runner: `cold-${c}`, mode: '', sql: '' })),
];
