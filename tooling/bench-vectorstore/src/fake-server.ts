/**
 * The recording fake in its own process, so its work does not share the event loop (or the
 * core) of the client being measured. Prints `{"port":…}` when listening, then one JSON line
 * per measured window: the statements and bytes received between `SELECT 'start'` and
 * `SELECT 'end'` (markers excluded). Answers the registry lookup of the index `bench` with
 * the dimension and metric given on the command line.
 */
import { startRecordingMysqlServer, type ColumnSpec } from '@s2/testing';

const [dim = '768', metric = 'dotproduct'] = process.argv.slice(2);
const registryColumns: ColumnSpec[] = [
  { name: 'name', type: 253 },
  { name: 'dimension', type: 3 },
  { name: 'metric', type: 254 },
  { name: 'deletion_protection', type: 1 },
  { name: 'use_vector_index', type: 1 },
  { name: 'vector_index_options', type: 245 },
  { name: 'tags', type: 245 },
];
const registryRow = ['bench', dim, metric, '0', '0', `{"metric_type": "${metric === 'euclidean' ? 'EUCLIDEAN_DISTANCE' : 'DOT_PRODUCT'}"}`, '{}'];
const marker = { columns: [{ name: 'm', type: 253 }], rows: [['m']] };

const server = await startRecordingMysqlServer({
  record: false,
  respond: (sql) => {
    if (sql.length < 2000) {
      if (sql === "SELECT 'start'") server.reset();
      if (sql === "SELECT 'end'") {
        process.stdout.write(`${JSON.stringify({ statements: server.counters.statements - 1, bytes: server.counters.bytes - (sql.length + 5) })}\n`);
      }
      if (/FROM vector_indexes\s+WHERE name\s*=/.test(sql)) return { kind: 'rows', columns: registryColumns, rows: [registryRow] };
      if (/^SELECT '/.test(sql)) return { kind: 'rows', ...marker };
    }
    return { kind: 'ok', affectedRows: 1 };
  },
});
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
