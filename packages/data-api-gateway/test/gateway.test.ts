import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { pythonSdk, runPythonJson } from '@s2/testing';
import { skipNow, testServer } from '@s2/testing/vitest';
import { describeFailure, GatewayHttpError } from '../src/errors.js';

let gateway: DataApiGateway;
let auth: string;

beforeAll(async () => {
  const info = testServer();
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port }, maxBodyBytes: 4096 });
  auth = `Basic ${Buffer.from(`${info.root.user}:${info.root.password}`).toString('base64')}`;
});
afterAll(() => gateway.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('Data API gateway', () => {
  it('answers /ping with pong and no credentials', async () => {
    const res = await fetch(`${gateway.url}/ping`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('pong');
  });

  it('query/tuples and query/rows shapes, with dataType names and nullability', async () => {
    const tuples = await (await post('/api/v2/query/tuples', { sql: 'SELECT id, value FROM data WHERE id = ?', args: ['a'], database: 's2_test' })).json();
    expect(tuples).toEqual({
      results: [
        {
          columns: [
            { name: 'id', dataType: 'VARCHAR', nullable: false },
            { name: 'value', dataType: 'BIGINT', nullable: false },
          ],
          rows: [['a', 2]],
        },
      ],
    });
    const rows = await (await post('/api/v2/query/rows', { sql: 'SELECT id FROM data ORDER BY id LIMIT 2', database: 's2_test' })).json();
    expect(rows.results[0].rows).toEqual([{ id: 'a' }, { id: 'b' }]);
  });

  it('writes big integers as bare JSON numbers and bytes as base64', async () => {
    const text = await (await post('/api/v2/query/tuples', { sql: "SELECT CAST(18446744073709551615 AS UNSIGNED), X'00ff'" })).text();
    expect(text).toContain('[18446744073709551615,"AP8="]');
  });

  it('exec reports rowsAffected and lastInsertId', async () => {
    const res = await (await post('/api/v2/exec', { sql: 'DO 1' })).json();
    expect(res).toEqual({ lastInsertId: 0, rowsAffected: 0 });
  });

  it('errors look like the real service: status plus "Error N (SQLSTATE): message"', async () => {
    const syntax = await post('/api/v2/query/tuples', { sql: 'garbage syntax' });
    expect(syntax.status).toBe(400);
    expect(await syntax.text()).toMatch(/^Error 1064 \(42000\): You have an error/);
    const ctype = await post('/api/v2/exec', { sql: 'DO 1' }, { 'content-type': 'text/garbage' });
    expect(ctype.status).toBe(415);
    expect(await ctype.text()).toMatch(/Content-Type/i);
    expect((await post('/api/v2/exec', '{not json')).status).toBe(400);
    expect((await post('/api/v2/exec', { nosql: 1 })).status).toBe(400);
    expect((await post('/api/v2/exec', { sql: 'x'.repeat(10_000) })).status).toBe(413);
    expect((await post('/api/v2/exec', { sql: 'DO 1' }, { authorization: '' })).status).toBe(401);
    const wrong = await post('/api/v2/exec', { sql: 'DO 1' }, { authorization: `Basic ${Buffer.from('root:nope').toString('base64')}` });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toMatch(/^Error 1045/);
    expect((await fetch(`${gateway.url}/api/v2/nothing`, { method: 'POST' })).status).toBe(404);
  });

  it("the gateway's own refusals are the bare message, so clients take the HTTP status as the errno", async () => {
    // What the Python SDK and @s2/http do with an error body (spec §6.1).
    const errnoOf = (status: number, body: string) => Number(/^Error\s+(\d+).*?:/s.exec(body)?.[1] ?? status);
    const answers = [
      await post('/api/v2/exec', { sql: 'DO 1' }, { 'content-type': 'text/garbage' }),
      await post('/api/v2/exec', '{not json'),
      await post('/api/v2/exec', { sql: 'SELECT ?, ?', args: [1] }),
      await post('/api/v2/exec', { sql: 'x'.repeat(10_000) }),
    ];
    const seen = await Promise.all(answers.map(async (r) => ({ status: r.status, errno: errnoOf(r.status, await r.text()) })));
    expect(seen).toEqual([
      { status: 415, errno: 415 },
      { status: 400, errno: 400 },
      { status: 400, errno: 400 },
      { status: 413, errno: 413 },
    ]);
    const ctype = await post('/api/v2/exec', { sql: 'DO 1' }, { 'content-type': 'text/garbage' });
    expect(await ctype.text()).toBe('Content-Type must be application/json');
    // Server errors and refusals that stand for one keep their errno.
    expect(errnoOf(400, await (await post('/api/v2/exec', { sql: 'garbage syntax' })).text())).toBe(1064);
    expect(errnoOf(401, await (await post('/api/v2/exec', { sql: 'DO 1' }, { authorization: '' })).text())).toBe(1045);
    // A message that itself reads like an errno body is not taken for one.
    expect(describeFailure(new GatewayHttpError(400, 'Error 7: not an errno'))).toEqual({ status: 400, body: 'Error 400: Error 7: not an errno' });
  });

  it("the Python SDK's test_http_error passes: a wrong Content-Type is InternalError 415", async (ctx) => {
    const sdk = await pythonSdk();
    if ('unavailable' in sdk) return skipNow(ctx, sdk.unavailable);
    const info = testServer();
    const url = `http://${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}@127.0.0.1:${gateway.port}/s2_test`;
    const out = await runPythonJson<Record<string, [string, number, string] | null>>(
      sdk,
      fileURLToPath(new URL('./fixtures/http_errors.py', import.meta.url)),
      { url },
    );
    expect(out).toEqual({
      content_type: ['InternalError', 415, 'Content-Type must be application/json'],
      arg_count: ['InternalError', 400, 'the statement has 1 placeholder(s) but 0 arg(s) were given'],
      syntax: ['ProgrammingError', 1064, expect.stringMatching(/^You have an error in your SQL syntax/)],
    });
  }, 120_000);
});
