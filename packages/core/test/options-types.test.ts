import { afterEach, describe, expect, it } from 'vitest';
import { OptionError } from '@s2/base';
import { resolveConnectParams } from '@s2/core';
import { tlsModeFor } from '../src/connect.js';

const URL = 'mysql://u:p@db.example.com/x';

describe('options given in code are cast and checked like URL values', () => {
  it.each([
    [{ sslVerifyCert: 'true' }, 'verify-full'],
    [{ ssl_verify_cert: 'yes' }, 'verify-full'],
    [{ sslVerifyCert: 'false' }, 'required'],
    [{ sslCa: '/ca.pem', sslVerifyIdentity: 'false' }, 'verify-ca'],
    [{ sslVerifyCert: true }, 'verify-full'],
  ])('%j gives TLS mode %s', (opts, mode) => {
    expect(tlsModeFor(resolveConnectParams(URL, opts as never))).toBe(mode);
  });

  it('boolean strings become booleans', () => {
    const p = resolveConnectParams(URL, { autocommit: 'false', buffered: 'off', localInfile: 'no', parseJson: '0' } as never);
    expect(p).toMatchObject({ autocommit: false, buffered: false, localInfile: false, parseJson: false });
  });

  it('numeric strings become numbers', () => {
    const p = resolveConnectParams(URL, { port: '3307', connectTimeout: '5', queryTimeoutMs: '250' } as never);
    expect(p).toMatchObject({ port: 3307, connectTimeout: 5, queryTimeoutMs: 250 });
  });

  it('numbers keep working, fractional connect timeouts included', () => {
    expect(resolveConnectParams(URL, { port: 3307, connectTimeout: 0.5 })).toMatchObject({ port: 3307, connectTimeout: 0.5 });
  });

  it.each([
    { sslVerifyCert: 'maybe' },
    { autocommit: 'nope' },
    { localInfile: {} },
    { buffered: 2 },
    { int64: 'weird' },
    { decimal: 'float' },
    { tlsMode: 'sometimes' },
    { encodingErrors: 'ignore' },
    { port: 'abc' },
    { connectTimeout: [5] },
    { queryTimeoutMs: '1.5' },
    { user: 42 },
    { password: { toString: () => 'pw' } },
    { connAttrs: 'a=b' },
    { resultsType: 3 },
  ])('%j is an OptionError', (opts) => {
    expect(() => resolveConnectParams(URL, opts as never)).toThrow(OptionError);
  });

  it("encodingErrors other than 'strict'/'replace' is refused in code and URL, saying only those two are supported", () => {
    expect(() => resolveConnectParams(URL, { encodingErrors: 'backslashreplace' } as never)).toThrow(/encoding_errors.*only these two are supported/);
    expect(() => resolveConnectParams(`${URL}?encoding_errors=ignore`)).toThrow(/encoding_errors.*only these two are supported/);
  });

  it('a wrongly typed password is not echoed', () => {
    expect(() => resolveConnectParams(URL, { password: ['Sekrit'] } as never)).toThrow(/^(?![\s\S]*Sekrit)/);
  });
});

describe('timezone is checked at connect time', () => {
  afterEach(() => {
    delete process.env.SINGLESTOREDB_TIMEZONE;
  });

  it.each(['America/New_York', 'garbage', '+5'])('%s from code is an OptionError', (timezone) => {
    expect(() => resolveConnectParams(URL, { timezone })).toThrow(OptionError);
  });

  it('an unusable SINGLESTOREDB_TIMEZONE is an OptionError', () => {
    process.env.SINGLESTOREDB_TIMEZONE = 'garbage';
    expect(() => resolveConnectParams(URL)).toThrow(OptionError);
  });

  it.each(['local', 'Z', 'UTC', '+05:30', '-0800'])('%s is accepted', (timezone) => {
    expect(resolveConnectParams(URL, { timezone }).timezone).toBe(timezone);
  });
});

describe('SINGLESTOREDB_QUERY_TIMEOUT_MS', () => {
  afterEach(() => {
    delete process.env.SINGLESTOREDB_QUERY_TIMEOUT_MS;
  });

  it('sets queryTimeoutMs; code still wins', () => {
    process.env.SINGLESTOREDB_QUERY_TIMEOUT_MS = '1000';
    expect(resolveConnectParams(URL).queryTimeoutMs).toBe(1000);
    expect(resolveConnectParams(URL, { queryTimeoutMs: 20 }).queryTimeoutMs).toBe(20);
  });

  it('a non-integer value is an OptionError', () => {
    process.env.SINGLESTOREDB_QUERY_TIMEOUT_MS = '1.5';
    expect(() => resolveConnectParams(URL)).toThrow(OptionError);
  });
});
