import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, OperationalError, type Connection } from '@s2/core';
import { columnFromDataApi, connectHttp } from '@s2/http';
import { describeColumn } from '@s2/base';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { testServer } from '@s2/testing/vitest';

const info = testServer();
let gateway: DataApiGateway;
let wire: Connection;
let http: Connection;

beforeAll(async () => {
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
  wire = await connect(`${info.url}/${info.database}`);
  http = await connect(`http://${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}@127.0.0.1:${gateway.port}/${info.database}`);
});
afterAll(async () => {
  await http?.close();
  await wire?.close();
  await gateway?.close();
});

describe('description over HTTP matches the wire', () => {
  it('DECIMAL precision and scale, fractional seconds', async () => {
    expect(describeColumn(columnFromDataApi({ name: 'd', dataType: 'DECIMAL(65,30)' }))).toMatchObject({ precision: 65, scale: 30 });
    expect(describeColumn(columnFromDataApi({ name: 'd', dataType: 'DECIMAL(10,0)' }))).toMatchObject({ precision: 10, scale: 0 });
    const sql =
      'SELECT CAST(1 AS DECIMAL(65,30)) AS a, CAST(2 AS DECIMAL(10,0)) AS b, CAST(-3.5 AS DECIMAL(5,2)) AS c, CAST(NOW(6) AS DATETIME(6)) AS d, CAST(NOW() AS DATETIME) AS e';
    const w = wire.cursor();
    await w.execute(sql);
    const h = http.cursor();
    await h.execute(sql);
    const pick = (d: { name: string; precision: number | null; scale: number | null }[]) => d.map(({ name, precision, scale }) => ({ name, precision, scale }));
    expect(pick(h.description!).slice(0, 3)).toEqual(pick(w.description!).slice(0, 3));
    expect(
      pick(h.description!)
        .slice(0, 3)
        .map((d) => [d.precision, d.scale]),
    ).toEqual([
      [65, 30],
      [10, 0],
      [5, 2],
    ]);
    expect(h.description!.slice(3).map((d) => d.scale)).toEqual(w.description!.slice(3).map((d) => d.scale));
    await w.close();
    await h.close();
  });
});

describe('timeouts and aborts over HTTP', () => {
  let stalling: Server;
  let port = 0;
  beforeAll(async () => {
    // Answers the connect-time handshake, then sends headers and never finishes a body.
    stalling = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        if (body.includes('VERSION()')) {
          res.end(
            JSON.stringify({
              results: [
                {
                  columns: [
                    { name: 'v', dataType: 'VARCHAR' },
                    { name: 'n', dataType: 'BIGINT' },
                  ],
                  rows: [['8.0', 0]],
                },
              ],
            }),
          );
        } else {
          res.write('{"results":[');
        }
      });
    });
    await new Promise<void>((r) => stalling.listen(0, '127.0.0.1', () => r()));
    port = (stalling.address() as { port: number }).port;
  });
  afterAll(async () => {
    stalling.closeAllConnections();
    await new Promise((r) => stalling.close(r));
  });

  it('queryTimeoutMs from connect() bounds a body that stalls after the headers', async () => {
    const conn = await connect(`http://u:p@127.0.0.1:${port}/db`, { queryTimeoutMs: 300 });
    const outcome = await Promise.race([conn.query('SELECT 1').catch((e: unknown) => e), new Promise((r) => setTimeout(() => r('pending'), 8000).unref())]);
    expect(outcome).toBeInstanceOf(OperationalError);
    expect(outcome).toMatchObject({ errno: 2013 });
    await conn.close();
  });

  it('an aborted request leaves no query running on the server', async () => {
    const tag = `h1abort${Math.random().toString(36).slice(2, 8)}`;
    const ac = new AbortController();
    const pending = http.query(`SELECT SLEEP(30) AS ${tag}`, undefined, { signal: ac.signal }).catch((e: unknown) => e);
    const running = async () => {
      const [[n]] = await wire.query<[number]>(
        `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%AS ${tag}%' AND INFO NOT LIKE '%PROCESSLIST%'`,
      );
      return Number(n);
    };
    for (let i = 0; i < 100 && (await running()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await running()).toBe(1);
    ac.abort();
    expect(await pending).toMatchObject({ errno: 1317 });
    let left = 1;
    for (let i = 0; i < 100 && left > 0; i++) {
      left = await running();
      if (left) await new Promise((r) => setTimeout(r, 50));
    }
    expect(left).toBe(0);
  });
});

describe('redirects are never followed', () => {
  let elsewhere: Server;
  let redirecting: Server;
  const received: string[] = [];
  beforeAll(async () => {
    // Another origin that would gladly take the statement and answer for the real server.
    elsewhere = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(body);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            results: [
              {
                columns: [
                  { name: 'v', dataType: 'VARCHAR' },
                  { name: 'n', dataType: 'BIGINT' },
                ],
                rows: [['8.0', 0]],
              },
            ],
          }),
        );
      });
    });
    await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', () => r()));
    const target = `http://localhost:${(elsewhere.address() as { port: number }).port}`;
    redirecting = createServer((req, res) => {
      req.resume();
      res.writeHead(307, { Location: `${target}${req.url}` });
      res.end();
    });
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    await new Promise((r) => redirecting.close(r));
    await new Promise((r) => elsewhere.close(r));
  });

  for (const transport of ['fetch', 'auto'] as const) {
    it(`a 307 to another origin is an error and the statement goes nowhere else (${transport})`, async () => {
      received.length = 0;
      const port = (redirecting.address() as { port: number }).port;
      const err = await connectHttp({ host: '127.0.0.1', port, driver: 'http', user: 'u', password: 'p', transport }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OperationalError);
      expect((err as Error).message).toMatch(/redirect/i);
      expect(received).toEqual([]);
    });
  }
});
