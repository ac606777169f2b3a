/**
 * The gateway is safe to run in front of a shared server: each request gets a clean session,
 * authentication is never cached, abandoned queries are killed, args are bound losslessly,
 * responses stream, and errors carry an honest status and the SQLSTATE.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWire, type WireConnection } from '@s2/wire';
import { uniqueDatabaseName } from '@s2/testing';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { testServer } from '@s2/testing/vitest';
import { integerJson } from '../src/cells.js';

let gateway: DataApiGateway;
let admin: WireConnection;
let auth: string;
const scratch = uniqueDatabaseName('gw');
const user = `gw_${process.pid}_${Date.now().toString(36)}`;

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

async function adminQuery(sql: string): Promise<unknown[][]> {
  const r = await admin.query(sql);
  const rows = r.current.columns ? await r.current.read() : [];
  await r.drain();
  return rows;
}

beforeAll(async () => {
  const info = testServer();
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port }, maxConnections: 4, queryTimeoutMs: 20_000 });
  admin = await connectWire({ host: info.host, port: info.port, user: info.root.user, password: info.root.password });
  auth = basic(info.root.user, info.root.password);
  await adminQuery(`CREATE DATABASE ${scratch}`);
  await adminQuery(`CREATE USER '${user}'@'%' IDENTIFIED BY 'first-pw'`);
  await adminQuery(`GRANT ALL ON ${scratch}.* TO '${user}'@'%'`);
});
afterAll(async () => {
  await adminQuery(`DROP USER IF EXISTS '${user}'@'%'`);
  await adminQuery(`DROP DATABASE ${scratch}`);
  await admin.close();
  await gateway.close();
});

function post(path: string, body: unknown, options: { authorization?: string; signal?: AbortSignal; contentType?: string } = {}) {
  return fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      ...(options.authorization === '' ? {} : { authorization: options.authorization ?? auth }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: options.signal,
  });
}
const tuples = async (sql: string, args?: unknown[]) => {
  const res = await post('/api/v2/query/tuples', args ? { sql, args } : { sql });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} ${text}`);
  return JSON.parse(text) as { results: { columns: { name: string; dataType: string; nullable: boolean }[]; rows: unknown[][] }[] };
};

/** Statements with this marker still running on the server. */
async function running(marker: string): Promise<number> {
  const rows = await adminQuery(`SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%${marker}%' AND INFO NOT LIKE '%PROCESSLIST%'`);
  return Number(rows[0][0]);
}
async function until(check: () => Promise<boolean>, what: string, limitMs = 15_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sessions', () => {
  it('a request never sees the session state of an earlier one (user variables, temporary tables, USE, sql_mode)', async () => {
    for (const sql of ['SET @leak = 42', "SET sql_mode = 'NO_BACKSLASH_ESCAPES'", `USE ${scratch}`, `CREATE TEMPORARY TABLE ${scratch}.leak_tmp (x INT)`]) {
      expect((await post('/api/v2/exec', { sql })).status).toBe(200);
    }
    const [r] = (await tuples("SELECT @leak, @@sql_mode LIKE '%NO_BACKSLASH_ESCAPES%', DATABASE()")).results;
    expect(r.rows).toEqual([[null, 0, null]]);
    expect((await post('/api/v2/query/tuples', { sql: `SELECT * FROM ${scratch}.leak_tmp` })).status).not.toBe(200);
  });

  it('requests run side by side: a quick one is not queued behind a slow one', async () => {
    const ac = new AbortController();
    const slow = post('/api/v2/query/tuples', { sql: 'SELECT SLEEP(20) /* side-by-side */' }, { signal: ac.signal }).catch(() => 'aborted');
    await until(async () => (await running('side-by-side')) === 1, 'the slow query to start');
    const quick = await tuples('SELECT 7');
    expect(quick.results[0].rows).toEqual([[7]]);
    expect(await running('side-by-side')).toBe(1);
    ac.abort();
    expect(await slow).toBe('aborted');
  });

  it('holds at most maxConnections server sessions, queueing the rest', async () => {
    const marker = `bounded_${Date.now()}`;
    const calls = Array.from({ length: 8 }, () => tuples(`SELECT SLEEP(0.3), '${marker}'`));
    let peak = 0;
    let done = false;
    const all = Promise.all(calls).finally(() => (done = true));
    while (!done) {
      peak = Math.max(peak, await running(marker));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await all).map((x) => x.results[0].rows[0][1])).toEqual(Array(8).fill(marker));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(4);
  });

  it('a request that finds every session busy past acquireTimeoutMs is a 503', async () => {
    const info = testServer();
    const one = await startDataApiGateway({ target: { host: info.host, port: info.port }, maxConnections: 1, acquireTimeoutMs: 200 });
    const ac = new AbortController();
    try {
      const call = (sql: string, signal?: AbortSignal) =>
        fetch(`${one.url}/api/v2/query/tuples`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth },
          body: JSON.stringify({ sql }),
          signal,
        });
      const holder = call('SELECT SLEEP(20) /* holds-the-slot */', ac.signal).catch(() => 'aborted');
      await until(async () => (await running('holds-the-slot')) === 1, 'the first request to hold the only session');
      const busy = await call('SELECT 1');
      expect(busy.status).toBe(503);
      expect(await busy.text()).toMatch(/^Error 1040 \(08004\): all 1 server sessions/);
      ac.abort();
      expect(await holder).toBe('aborted');
      await until(async () => (await running('holds-the-slot')) === 0, 'the abandoned query to be killed');
      // The slot comes back once the abandoned session is gone.
      await until(async () => (await call('SELECT 1')).status === 200, 'the slot to be free again');
    } finally {
      ac.abort();
      await one.close();
    }
  });

  it('ALTER USER and DROP USER take effect at once: no authentication decision is cached', async () => {
    const first = basic(user, 'first-pw');
    expect((await post('/api/v2/query/tuples', { sql: 'SELECT 1', database: scratch }, { authorization: first })).status).toBe(200);
    await adminQuery(`ALTER USER '${user}'@'%' IDENTIFIED BY 'second-pw'`);
    const old = await post('/api/v2/query/tuples', { sql: 'SELECT 1', database: scratch }, { authorization: first });
    expect(old.status).toBe(401);
    expect((await post('/api/v2/query/tuples', { sql: 'SELECT 1', database: scratch }, { authorization: basic(user, 'second-pw') })).status).toBe(200);
    await adminQuery(`DROP USER '${user}'@'%'`);
    expect((await post('/api/v2/query/tuples', { sql: 'SELECT 1', database: scratch }, { authorization: basic(user, 'second-pw') })).status).toBe(401);
  });
});

describe('abandoned queries', () => {
  it('a client that disconnects gets its query killed on the server', async () => {
    const ac = new AbortController();
    const pending = post('/api/v2/query/tuples', { sql: 'SELECT SLEEP(30) /* gone-client */' }, { signal: ac.signal }).catch(() => 'aborted');
    await until(async () => (await running('gone-client')) === 1, 'the query to start');
    ac.abort();
    expect(await pending).toBe('aborted');
    await until(async () => (await running('gone-client')) === 0, 'the query to be killed', 10_000);
  });

  it('a query past queryTimeoutMs is killed and answered 504 with the interruption error', async () => {
    const info = testServer();
    const short = await startDataApiGateway({ target: { host: info.host, port: info.port }, queryTimeoutMs: 300 });
    try {
      const res = await fetch(`${short.url}/api/v2/query/tuples`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({ sql: 'SELECT SLEEP(30) /* timed-out */' }),
      });
      expect(res.status).toBe(504);
      expect(await res.text()).toMatch(/^Error 1317 \(70100\): /);
      await until(async () => (await running('timed-out')) === 0, 'the query to be killed', 10_000);
    } finally {
      await short.close();
    }
  });
});

describe('args', () => {
  it('are parsed losslessly: integers beyond 2^53 and long decimals keep every digit', async () => {
    const res = await post(
      '/api/v2/query/tuples',
      '{"sql": "SELECT ? AS a, CAST(? AS CHAR) AS b, ? + 0 AS c", "args": [9007199254740993, 123456789012345678901234567890, 0.1]}',
    );
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('[9007199254740993,"123456789012345678901234567890",0.1]');
  });

  it('bind strings, booleans, null and JSON values as literals that cannot break out', async () => {
    const hostile = "x' UNION SELECT CURRENT_USER() -- \\";
    const [r] = (await tuples('SELECT ?, ?, ?, ?', [hostile, true, null, { a: [1, 2] }])).results;
    expect(r.rows).toEqual([[hostile, 1, null, '{"a":[1,2]}']]);
  });

  it('a wrong number of args is a 400 with the reason', async () => {
    const res = await post('/api/v2/query/tuples', { sql: 'SELECT ?, ?', args: [1] });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/placeholder/);
  });
});

describe('values and dataType', () => {
  it('strings of NUL and 0 characters come back as themselves next to big integers', async () => {
    const res = await post('/api/v2/query/tuples', {
      sql: "SELECT CAST(18446744073709551615 AS UNSIGNED) AS big, CONCAT(CHAR(0 USING utf8mb4), '0', CHAR(0 USING utf8mb4)) AS s, '\u00000\u0000' AS t",
    });
    const text = await res.text();
    expect(() => JSON.parse(text)).not.toThrow();
    expect(text).toContain('[18446744073709551615,"\\u00000\\u0000","\\u00000\\u0000"]');
  });

  it('whole-number DOUBLEs stay doubles in JSON (1.0, not 1)', async () => {
    const res = await post('/api/v2/query/tuples', { sql: 'SELECT 1e0 AS d, -2e0 AS n, 1e300 AS big, 0.5e0 AS half' });
    expect(await res.text()).toContain('"rows":[[1.0,-2.0,1e+300,0.5]]');
  });

  it('ZEROFILL integers and YEAR 0000 are valid JSON numbers', async () => {
    await adminQuery(
      `CREATE TABLE ${scratch}.zerofill (a INT(5) ZEROFILL, b YEAR, c BIGINT(30) UNSIGNED ZEROFILL, d TINYINT(3) ZEROFILL, e SMALLINT(6) ZEROFILL)`,
    );
    await adminQuery(`INSERT INTO ${scratch}.zerofill VALUES (42, 0, 18446744073709551615, 0, 7)`);
    const res = await post('/api/v2/query/tuples', { sql: `SELECT a, b, c, d, e FROM ${scratch}.zerofill` });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('"rows":[[42,0,18446744073709551615,0,7]]');
    expect(JSON.parse(text).results[0].rows).toEqual([[42, 0, 2 ** 64, 0, 7]]);
  });

  it('integer text loses its leading zeros and nothing else, at any length', () => {
    expect(['00042', '-0042', '0000', '-000', '0', '-7', '10', '000100'].map(integerJson)).toEqual(['42', '-42', '0', '0', '0', '-7', '10', '100']);
    const long = `${'0'.repeat(300)}${'9'.repeat(400)}`;
    expect(integerJson(long)).toBe('9'.repeat(400));
    expect(integerJson(`-${long}`)).toBe(`-${'9'.repeat(400)}`);
    expect(integerJson('12a')).toBe('"12a"');
  });

  it('UNSIGNED, fractional-second precision and GEOMETRY in dataType', async () => {
    const [r] = (
      await tuples(
        "SELECT CAST(18446744073709551615 AS UNSIGNED) AS u, CAST('2020-01-02 03:04:05.123456' AS DATETIME(6)) AS dt, CAST('01:02:03.5' AS TIME(1)) AS t, CAST('2020-01-02' AS DATETIME) AS d0, POINT(1, 2.5) AS g, CAST(1.5 AS DECIMAL(65,30)) AS dc",
      )
    ).results;
    expect(r.columns.map((c) => c.dataType)).toEqual(['UNSIGNED BIGINT', 'DATETIME(6)', 'TIME(1)', 'DATETIME', 'GEOMETRY', 'DECIMAL(65,30)']);
    expect(r.rows).toEqual([[2 ** 64, '2020-01-02 03:04:05.123456', '01:02:03.5', '2020-01-02 00:00:00', 'POINT(1 2.5)', '1.500000000000000000000000000000']]);
  });
});

describe('streamed responses', () => {
  it('rows start arriving while the statement is still running on the server', async () => {
    const res = await post('/api/v2/query/rows', {
      sql: 'SELECT seq, IF(seq = 300000, SLEEP(30), 0) AS s /* streaming */ FROM seq_1_to_300000',
      database: scratch,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value).startsWith('{"results":[{"columns":[')).toBe(true);
    expect(await running('streaming')).toBe(1);
    await reader.cancel();
    await until(async () => (await running('streaming')) === 0, 'the abandoned query to be killed', 10_000);
  });

  it('an error after the first rows ends the response so no client takes it for complete JSON', async () => {
    const ac = new AbortController();
    const res = await post(
      '/api/v2/query/tuples',
      { sql: 'SELECT seq, IF(seq = 300000, SLEEP(30), 0) /* killed-midway */ FROM seq_1_to_300000', database: scratch },
      { signal: ac.signal },
    );
    expect(res.status).toBe(200);
    const body = res.text();
    await until(async () => (await running('killed-midway')) === 1, 'the query to run');
    await adminQuery(
      `KILL QUERY (SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%killed-midway%' AND INFO NOT LIKE '%PROCESSLIST%' LIMIT 1)`,
    ).catch(async () => {
      const [[id]] = await adminQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%killed-midway%' AND INFO NOT LIKE '%PROCESSLIST%'");
      await adminQuery(`KILL QUERY ${String(id)}`);
    });
    const outcome = await body.then(
      (t) => {
        try {
          JSON.parse(t);
          return 'complete JSON';
        } catch {
          return 'invalid JSON';
        }
      },
      () => 'aborted',
    );
    expect(outcome).not.toBe('complete JSON');
  });
});

describe('slow clients', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('queryTimeoutMs counts the wait for the server, not for a slow reader: the whole answer arrives', async () => {
    const info = testServer();
    const timed = await startDataApiGateway({ target: { host: info.host, port: info.port }, queryTimeoutMs: 2500 });
    try {
      // ~40 MB of JSON: far more than the socket buffers and the gateway's queues hold, so the
      // server is still sending when the deadline would pass.
      const res = await fetch(`${timed.url}/api/v2/query/tuples`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({ sql: "SELECT seq, REPEAT('x', 1000) AS pad FROM seq_1_to_40000", database: scratch }),
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const parts: Uint8Array[] = [];
      const first = await reader.read();
      parts.push(first.value!);
      // The client reads nothing for longer than the deadline (within writeTimeoutMs).
      await sleep(3500);
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) parts.push(chunk.value);
      const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { results: { rows: unknown[][] }[] };
      expect(body.results[0].rows.length).toBe(40_000);
    } finally {
      await timed.close();
    }
  }, 60_000);

  it('a reader that keeps taking data slowly is not cut off by writeTimeoutMs', async () => {
    const info = testServer();
    const strict = await startDataApiGateway({ target: { host: info.host, port: info.port }, writeTimeoutMs: 300 });
    try {
      const res = await fetch(`${strict.url}/api/v2/query/tuples`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({ sql: "SELECT seq, REPEAT('x', 1000) AS pad FROM seq_1_to_3000", database: scratch }),
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const parts: Uint8Array[] = [];
      // About 1.5 MB/s, in steps well inside the write timeout.
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        parts.push(chunk.value);
        await sleep(Math.min(150, chunk.value.byteLength / 1500));
      }
      expect((JSON.parse(Buffer.concat(parts).toString('utf8')) as { results: { rows: unknown[][] }[] }).results[0].rows.length).toBe(3000);
    } finally {
      await strict.close();
    }
  }, 60_000);

  it('a client that takes no data for writeTimeoutMs is cut off and its query killed', async () => {
    const info = testServer();
    const strict = await startDataApiGateway({ target: { host: info.host, port: info.port }, writeTimeoutMs: 500 });
    const socket = connect(strict.port, '127.0.0.1');
    try {
      const body = JSON.stringify({ sql: "SELECT seq, REPEAT('x', 1000) AS pad /* stalled-reader */ FROM seq_1_to_1000000", database: scratch });
      socket.write(
        `POST /api/v2/query/tuples HTTP/1.1\r\nHost: gw\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      // Never read: the answer backs up into the gateway and the server.
      socket.pause();
      await until(async () => (await running('stalled-reader')) === 1, 'the query to run');
      // Without a write timeout it stayed until the server's own net_write_timeout (60 s).
      await until(async () => (await running('stalled-reader')) === 0, 'the query of the stalled client to be killed', 10_000);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.resume();
      await closed;
    } finally {
      socket.destroy();
      await strict.close();
    }
  }, 30_000);
});

describe('memory', () => {
  it('a 500,000-row result streams through a gateway process whose heap is capped at 96 MiB', async () => {
    const info = testServer();
    const child = spawn(
      process.execPath,
      [
        '--conditions=s2-source',
        '--import',
        'tsx',
        '--max-old-space-size=96',
        fileURLToPath(new URL('./fixtures/gateway-child.ts', import.meta.url)),
        info.host,
        String(info.port),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    try {
      const url = (await lines.next()).value as string;
      const res = await fetch(`${url}/api/v2/query/tuples`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({ sql: "SELECT seq, REPEAT('x', 100) AS pad FROM seq_1_to_500000", database: scratch }),
      });
      expect(res.status).toBe(200);
      let bytes = 0;
      let tail = '';
      const decoder = new TextDecoder();
      const reader = res.body!.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        bytes += chunk.value.byteLength;
        tail = (tail + decoder.decode(chunk.value, { stream: true })).slice(-30);
      }
      child.stdin!.end();
      const rss = Number(/^maxrss (\d+)$/.exec((await lines.next()).value as string)![1]) / 1024;
      console.log(`500k rows: ${(bytes / 2 ** 20).toFixed(1)} MiB of JSON streamed; gateway process peak RSS ${rss.toFixed(0)} MiB`);
      expect(tail.endsWith(`${'x'.repeat(10)}"]]}]}`)).toBe(true);
      expect(bytes).toBeGreaterThan(500_000 * 100);
      // The buffering gateway held ~650 MiB for such a result; with a 96 MiB heap it would have died.
      expect(rss).toBeLessThan(400);
    } finally {
      child.kill();
    }
  }, 120_000);
});

describe('errors and request bodies', () => {
  it('SQL errors carry the SQLSTATE and a status by its class', async () => {
    const syntax = await post('/api/v2/query/tuples', { sql: 'garbage syntax' });
    expect(syntax.status).toBe(400);
    expect(await syntax.text()).toMatch(/^Error 1064 \(42000\): You have an error/);
    const missing = await post('/api/v2/query/tuples', { sql: 'SELECT * FROM no_such_table_here', database: scratch });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/^Error 1146 \(42S02\): /);
    const dup = await post('/api/v2/exec', { sql: 'SELECT 1' }, { authorization: basic('nobody_here', 'x') });
    expect(dup.status).toBe(401);
    expect(await dup.text()).toMatch(/^Error 1045 \(28000\): /);
  });

  it('authentication is checked before the body: bad credentials with a bad body is 401', async () => {
    expect((await post('/api/v2/exec', '{not json', { authorization: basic('root', 'wrong') })).status).toBe(401);
    expect((await post('/api/v2/exec', { nosql: 1 }, { authorization: '' })).status).toBe(401);
    expect((await post('/api/v2/exec', 'x', { authorization: basic('root', 'wrong'), contentType: 'text/plain' })).status).toBe(401);
  });

  it('bodies of the wrong shape are 400, not coerced', async () => {
    for (const body of [
      { sql: ['SELECT 1'] },
      { sql: 1 },
      { sql: 'SELECT 1', args: 'x' },
      { sql: 'SELECT 1', args: {} },
      { sql: 'SELECT 1', database: 5 },
      { sql: 'SELECT 1', extra: true },
      ['SELECT 1'],
      'SELECT 1',
    ]) {
      const res = await post('/api/v2/query/tuples', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });
});
