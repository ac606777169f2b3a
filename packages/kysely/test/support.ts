import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connect, type Connection } from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { testServer } from '@s2/testing/vitest';

export type Route = 'mysql' | 'http';

/**
 * A scratch database plus a Data API gateway in front of the test server, for one test file
 * (shared by the @s2/drizzle tests).
 */
export class Scratch {
  readonly database: string;
  private gateway: DataApiGateway | undefined;

  constructor(prefix = 'ky') {
    this.database = uniqueDatabaseName(prefix);
  }

  async start(): Promise<void> {
    const info = testServer();
    this.gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
    const admin = await connect(info.url);
    await admin.execute(`CREATE DATABASE ${this.database}`);
    await admin.close();
  }

  async stop(): Promise<void> {
    const admin = await connect(testServer().url);
    await admin.execute(`DROP DATABASE IF EXISTS ${this.database}`);
    await admin.close();
    // The gateway's close waits for keep-alive sockets (fastify keeps them 72 s); the process ends anyway.
    const gateway = this.gateway?.close();
    await Promise.race([gateway, new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  url(route: Route): string {
    const info = testServer();
    const auth = `${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}`;
    return route === 'mysql' ? `mysql://${auth}@${info.host}:${info.port}/${this.database}` : `http://${auth}@127.0.0.1:${this.gateway!.port}/${this.database}`;
  }

  open(route: Route): Promise<Connection> {
    return connect(this.url(route));
  }
}

/** What a pass over a stream of `{ seq, pad }` rows saw: rows, the last seq, and the peak of live heap growth. */
export interface WideStreamStats {
  count: number;
  last: number;
  peakGrowthMb: number;
}

/** A full garbage collection, so heap samples measure what is still reachable, not garbage not yet collected. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Reads rows of `{ seq, pad }` (pad: 1,000 characters), checking each, and every 10,000 rows
 * measures the live heap after a full collection: a streaming reader stays near its start,
 * a reader that holds the rows grows by ~1 KiB a row.
 */
export async function readWideStream(rows: AsyncIterable<{ seq: unknown; pad: string }>): Promise<WideStreamStats> {
  const gc = collector();
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  let count = 0;
  let last = 0;
  for await (const row of rows) {
    count++;
    last = Number(row.seq);
    if (row.pad.length !== 1000) throw new Error(`short row at ${count}`);
    if (count % 10_000 === 0) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }
  }
  return { count, last, peakGrowthMb: peak / 2 ** 20 };
}
