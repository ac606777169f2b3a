/**
 * Child process: our UDF server (createUdfServer from @s2/udf) with the benchmark's functions.
 * Started once as is (native codec when the addon loads) and once with SINGLESTOREDB_PURE_JS=1.
 * Prints one JSON line `{"port": N, "native": {...}}` on stdout when it listens.
 */
import { nativeStatus } from '@s2/native';
import { createUdfServer } from '@s2/udf';
import { functions } from './functions.js';

const app = await createUdfServer({ functions });
await app.listen({ host: '127.0.0.1', port: Number(process.env.BENCH_PORT ?? 0) });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ port, native: nativeStatus() })}\n`);
const stop = () => {
  void app.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
