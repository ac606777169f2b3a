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
  /** Label in the report. */
  name: string;
  runner: string;
  mode: string;
  sql: string;
  /** Insert workloads count rows written instead of rows read. */
  insertRows?: number;
}

const WIDE = 'SELECT * FROM wide';
const INTS = 'SELECT * FROM ints';

export const READ_RUNS: Run[] = [
  { name: 'wide raw drain', runner: 'raw-drain', mode: '', sql: WIDE },
  { name: 'wide mysql2 rowsAsArray', runner: 'mysql2', mode: 'array', sql: WIDE },
  { name: 'wide mysql2 objects', runner: 'mysql2', mode: 'objects', sql: WIDE },
  { name: 'wide mysql2 stream', runner: 'mysql2', mode: 'stream', sql: WIDE },
  { name: 'wide mariadb array', runner: 'mariadb', mode: 'array', sql: WIDE },
  { name: 'wide mariadb objects', runner: 'mariadb', mode: 'objects', sql: WIDE },
  { name: 'wide mariadb stream', runner: 'mariadb', mode: 'stream', sql: WIDE },
  { name: 'wide s2 tuples', runner: 's2', mode: 'tuples', sql: WIDE },
  { name: 'wide s2 objects', runner: 's2', mode: 'objects', sql: WIDE },
  { name: 'wide s2 stream', runner: 's2', mode: 'stream', sql: WIDE },
  { name: 'wide s2 columns', runner: 's2', mode: 'columns', sql: WIDE },
  { name: 'wide s2 arrow', runner: 's2', mode: 'arrow', sql: WIDE },
  { name: 'ints raw drain', runner: 'raw-drain', mode: '', sql: INTS },
  { name: 'ints mysql2 stream', runner: 'mysql2', mode: 'stream', sql: INTS },
  { name: 'ints mariadb stream', runner: 'mariadb', mode: 'stream', sql: INTS },
  { name: 'ints s2 stream', runner: 's2', mode: 'stream', sql: INTS },
];

export const INSERT_RUNS: Run[] = [
  { name: 'insert mysql2 multi-row', runner: 'mysql2', mode: 'insert', sql: 'wide_insert', insertRows: 200_000 },
  { name: 'insert mariadb batch', runner: 'mariadb', mode: 'insert', sql: 'wide_insert', insertRows: 200_000 },
  { name: 'insert s2 executemany', runner: 's2', mode: 'insert', sql: 'wide_insert', insertRows: 200_000 },
];

const WIDE_100K = 'SELECT * FROM wide LIMIT 100000';

/** Data API runs go through the gateway (started by the harness, outside the measured process). */
export const HTTP_RUNS: Run[] = [
  { name: 'http100k s2 over the wire', runner: 's2', mode: 'tuples', sql: WIDE_100K },
  { name: 'http100k s2 over HTTP', runner: 's2', mode: 'http-tuples', sql: WIDE_100K },
  { name: 'http100k bare fetch + JSON.parse', runner: 'fetch-json', mode: '', sql: WIDE_100K },
  { name: 'http100k undici request + JSON.parse', runner: 'fetch-json', mode: 'undici', sql: WIDE_100K },
];
