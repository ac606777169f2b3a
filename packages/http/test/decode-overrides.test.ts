import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { connectHttp, type HttpConnection } from '@s2/http';
import { testServer } from '@s2/testing/vitest';

let gateway: DataApiGateway;
let conn: HttpConnection;

beforeAll(async () => {
  const info = testServer();
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
  conn = await connectHttp({
    host: '127.0.0.1',
    port: gateway.port,
    driver: 'http',
    user: info.root.user,
    password: info.root.password,
    database: info.database,
    decodeOptions: { int64: 'number', decimal: 'number', dateStrings: true },
  });
});
afterAll(async () => {
  await conn.close();
  await gateway.close();
});

const SQL = "SELECT CAST(9007199254740993 AS SIGNED) AS bi, CAST('12345678901234567.89' AS DECIMAL(20,2)) AS dc, DATE '2024-02-29' AS d";

describe('decodeOverrides of a statement (what frame formats ask for)', () => {
  it("decode that statement's rows, and say so on its result", async () => {
    const response = await conn.query(SQL, { decodeOverrides: { int64: 'bigint', decimal: 'string' } });
    expect(await response.current.read()).toEqual([[9007199254740993n, '12345678901234567.89', '2024-02-29']]);
    // The connection's other settings still apply, and the result tells what was used.
    expect(response.current.decodeOptions).toMatchObject({ int64: 'bigint', decimal: 'string', dateStrings: true });
  });

  it('leave the next statement to the connection settings', async () => {
    const response = await conn.query(SQL);
    expect(await response.current.read()).toEqual([[9007199254740992, 12345678901234568, '2024-02-29']]);
    expect(response.current.decodeOptions).toMatchObject({ int64: 'number', decimal: 'number' });
  });
});
