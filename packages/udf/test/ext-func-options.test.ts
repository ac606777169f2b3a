/**
 * The SINGLESTOREDB_EXT_FUNC_* variables (options external_function.*) as defaults of udf() and
 * createUdfServer (udf spec 5.1): an argument wins, then the option, then the built-in default.
 * Options are read when the definition or the server is built, not when the module is imported.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OptionError, options, withOptions } from '@s2/base';
import { createUdfServer, decodeRowdat1, encodeRowdat1, t, udf } from '@s2/udf';

/** Sets variables for one test; afterEach puts the old values back. */
function setEnv(vars: Record<string, string>): void {
  for (const [k, v] of Object.entries(vars)) vi.stubEnv(k, v);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

const mult = () => udf({ name: 'mult', args: { x: t.bigint() }, returns: t.bigint() }, (x: bigint) => x * 2n);

describe('udf(): the timeout default', () => {
  it('comes from SINGLESTOREDB_EXT_FUNC_TIMEOUT (seconds) when the definition is made', () => {
    expect(mult().timeoutMs).toBe(86_400_000);
    setEnv({ SINGLESTOREDB_EXT_FUNC_TIMEOUT: '5' });
    expect(mult().timeoutMs).toBe(5000);
    expect(udf({ name: 'own', returns: t.bigint(), timeoutMs: 2500 }, () => 1n).timeoutMs).toBe(2500);
  });

  it('comes from a withOptions scope too, and a bad value is an OptionError', () => {
    expect(withOptions({ 'external_function.timeout': 7 }, () => mult().timeoutMs)).toBe(7000);
    setEnv({ SINGLESTOREDB_EXT_FUNC_TIMEOUT: 'soon' });
    expect(() => mult()).toThrow(OptionError);
  });
});

describe('createUdfServer: CREATE statements and served names', () => {
  const show = async (app: Awaited<ReturnType<typeof createUdfServer>>, path = '/show/create_function') =>
    (await app.inject({ method: 'GET', url: path, headers: { host: 'h:1' } })).body;
  const call = (app: Awaited<ReturnType<typeof createUdfServer>>, name: string) =>
    app.inject({
      method: 'POST',
      url: '/invoke',
      payload: Buffer.from(encodeRowdat1([8], [1n], [[21n]])),
      headers: { 'content-type': 'application/octet-stream', 's2-ef-name': name, 's2-ef-version': '1.0' },
    });

  it('without the variables: the URL reflected from Host, ROWDAT_1, the plain name', async () => {
    const app = await createUdfServer({ functions: [mult()] });
    try {
      expect(await show(app)).toBe(
        'CREATE EXTERNAL FUNCTION `mult`(`x` BIGINT NOT NULL) RETURNS BIGINT NOT NULL AS REMOTE SERVICE "http://h:1/invoke" FORMAT ROWDAT_1;',
      );
    } finally {
      await app.close();
    }
  });

  it('URL, DATA_FORMAT, NAME_PREFIX and NAME_SUFFIX as the reference writes them; the affixed name is the one served', async () => {
    setEnv({
      SINGLESTOREDB_EXT_FUNC_URL: 'http://udf.example:9000/invoke',
      SINGLESTOREDB_EXT_FUNC_DATA_FORMAT: 'json',
      SINGLESTOREDB_EXT_FUNC_NAME_PREFIX: 'p_',
      SINGLESTOREDB_EXT_FUNC_NAME_SUFFIX: '_s',
      SINGLESTOREDB_EXT_FUNC_LINK_NAME: 'lnk',
    });
    const app = await createUdfServer({ functions: [mult()] });
    try {
      // What the Python SDK's Application prints with the same variables.
      expect(await show(app)).toBe(
        'CREATE EXTERNAL FUNCTION `p_mult_s`(`x` BIGINT NOT NULL) RETURNS BIGINT NOT NULL AS REMOTE SERVICE "http://udf.example:9000/invoke" FORMAT JSON;',
      );
      const info = JSON.parse(await show(app, '/show/function_info')).functions;
      expect(Object.keys(info)).toEqual(['p_mult_s']);
      expect(info.p_mult_s.sql_statement).toBe(
        'CREATE OR REPLACE EXTERNAL FUNCTION `p_mult_s`(`x` BIGINT NOT NULL) RETURNS BIGINT NOT NULL AS REMOTE SERVICE "http://udf.example:9000/invoke" FORMAT JSON LINK lnk;',
      );
      const ok = await call(app, 'p_mult_s');
      expect(ok.statusCode, ok.body).toBe(200);
      expect(decodeRowdat1([8], ok.rawPayload).rows).toEqual([[42n]]);
      expect((await call(app, 'mult')).statusCode).toBe(404);
      const filtered = await app.inject({ method: 'GET', url: '/show/create_function', headers: { 's2-ef-name': 'p_mult_s' } });
      expect(filtered.body).toContain('`p_mult_s`');
    } finally {
      await app.close();
    }
  });

  it('arguments win over the variables, and the variables are read when the server is built', async () => {
    const def = mult();
    setEnv({ SINGLESTOREDB_EXT_FUNC_URL: 'http://env:1/invoke', SINGLESTOREDB_EXT_FUNC_DATA_FORMAT: 'json', SINGLESTOREDB_EXT_FUNC_NAME_PREFIX: 'p_' });
    const app = await createUdfServer({ functions: [def], url: 'http://arg:2/invoke', dataFormat: 'rowdat_1', namePrefix: '' });
    try {
      expect(await show(app)).toBe(
        'CREATE EXTERNAL FUNCTION `mult`(`x` BIGINT NOT NULL) RETURNS BIGINT NOT NULL AS REMOTE SERVICE "http://arg:2/invoke" FORMAT ROWDAT_1;',
      );
    } finally {
      await app.close();
    }
  });

  it("a withOptions scope around createUdfServer counts; FUNCTION_DATABASE is the command line's, as in the reference", async () => {
    setEnv({ SINGLESTOREDB_EXT_FUNC_FUNCTION_DATABASE: 'fdb' });
    const app = await withOptions({ 'external_function.url': 'http://scoped:3/invoke' }, () => createUdfServer({ functions: [mult()] }));
    try {
      expect(await show(app)).toBe(
        'CREATE EXTERNAL FUNCTION `mult`(`x` BIGINT NOT NULL) RETURNS BIGINT NOT NULL AS REMOTE SERVICE "http://scoped:3/invoke" FORMAT ROWDAT_1;',
      );
    } finally {
      await app.close();
    }
  });

  it('options.set counts, and a LINK name that could not be written unquoted stops the server from being built', async () => {
    options.set('external_function.name_suffix', '_v2');
    try {
      const app = await createUdfServer({ functions: [mult()] });
      try {
        expect(await show(app)).toContain('`mult_v2`');
      } finally {
        await app.close();
      }
    } finally {
      options.reset('external_function.name_suffix');
    }
    setEnv({ SINGLESTOREDB_EXT_FUNC_LINK_NAME: 'a b' });
    await expect(createUdfServer({ functions: [mult()] })).rejects.toThrow(/invalid LINK name: a b/);
  });
});
