import { describe, expect, it } from 'vitest';
import { connect, ProgrammingError } from '@s2/core';
import { dropFunctions, registerFunctions, t, udf } from '@s2/udf';
import { skipUnless, testServer } from '@s2/testing/vitest';

const double = udf({ name: 'double_it', args: { x: t.bigint() }, returns: t.bigint() }, (x: bigint) => x * 2n);

describe('registering functions through @s2/core', () => {
  it('sends CREATE and DROP statements in order', async () => {
    const sent: string[] = [];
    const recorder = {
      execute: async (sql: string) => {
        sent.push(sql);
      },
    };
    await registerFunctions(recorder, [double], { url: 'http://h:8000/invoke', replace: true, database: 'udfs' });
    await dropFunctions(recorder, [double], { database: 'udfs' });
    expect(sent).toEqual([
      'CREATE OR REPLACE EXTERNAL FUNCTION `udfs`.`double_it`(`x` BIGINT NOT NULL) RETURNS BIGINT NOT NULL AS REMOTE SERVICE "http://h:8000/invoke" FORMAT ROWDAT_1;',
      'DROP FUNCTION IF EXISTS `udfs`.`double_it`;',
    ]);
  });

  // An external server may well have external functions: the syntax error is MariaDB's.
  const external = testServer().external ? 'the test server is external (SINGLESTOREDB_URL); this checks MariaDB refusing CREATE EXTERNAL FUNCTION' : null;
  it('a server without external functions (MariaDB) answers with a typed syntax error', skipUnless(external, 'platform'), async () => {
    const info = testServer();
    const conn = await connect(`${info.url}/${info.database}`);
    const err = await registerFunctions(conn, [double], { url: 'http://127.0.0.1:1/invoke' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProgrammingError);
    expect((err as ProgrammingError).errno).toBe(1064);
    await conn.close();
  });
});
