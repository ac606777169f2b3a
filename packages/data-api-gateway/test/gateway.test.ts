import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { testServer } from '@s2/testing/vitest';

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
});
