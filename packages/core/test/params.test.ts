import { afterEach, describe, expect, it } from 'vitest';
import { OptionError, options } from '@s2/base';
import { testServer } from '@s2/testing/vitest';
import { connect } from '@s2/core';
import { parseConnectionUrl, resolveConnectParams } from '../src/params/index.js';

afterEach(() => {
  for (const k of ['SINGLESTOREDB_URL', 'SINGLESTOREDB_PORT', 'SINGLESTOREDB_HOST', 'SINGLESTOREDB_USER']) delete process.env[k];
  options.reset();
});

describe('connection URLs (wire spec 1.3)', () => {
  const table: [string, Record<string, unknown>][] = [
    ['me:p455w0rd@s2host.com:3307/mydb', { driver: 'mysql', host: 's2host.com', port: 3307, database: 'mydb', user: 'me', password: 'p455w0rd' }],
    ['http://me:p455w0rd@s2host.com:3307/mydb', { driver: 'http', host: 's2host.com', port: 3307, database: 'mydb', user: 'me', password: 'p455w0rd' }],
    ['http://me:p455w0rd@s2host.com/mydb', { driver: 'http', port: 80 }],
    ['https://me:p455w0rd@s2host.com/mydb', { driver: 'https', port: 443 }],
    ['me:@s2host.com/mydb', { driver: 'mysql', host: 's2host.com', port: 3306, user: 'me', password: '' }],
    ['s2host.com/mydb', { driver: 'mysql', host: 's2host.com', port: 3306, database: 'mydb', user: undefined, password: undefined }],
    ['s2host.com', { driver: 'mysql', host: 's2host.com', port: 3306, database: undefined }],
    ['s2host.com:1000?local_infile=1&charset=utf8', { host: 's2host.com', port: 1000, localInfile: true, charset: 'utf8' }],
    ['singlestoredb+mysql://u:p@h/db', { driver: 'mysql', host: 'h', user: 'u', password: 'p', database: 'db' }],
    ['mysql://u:p%40x@h/my%20db', { user: 'u', password: 'p@x', database: 'my db' }],
    ['[::1]:3306', { host: '::1', port: 3306 }],
    ['u:p+q@h/db/extra', { password: 'p q', database: 'db' }],
    ['HTTP://h', { driver: 'http' }],
    ['h:88?port=99', { port: 99 }],
  ];
  for (const [url, expected] of table) {
    it(url, () => {
      const got = resolveConnectParams(url) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(expected)) expect(got[k], k).toEqual(v);
    });
  }
  it('rejects a bad port and unknown parameters', () => {
    expect(() => resolveConnectParams('https://me:p@s2host.com:foo/mydb')).toThrow(OptionError);
    expect(() => resolveConnectParams('s2host.com:1000?bad_param=10')).toThrow(/Unrecognized connection parameter: bad_param/);
    expect(() => resolveConnectParams('mysql+pymysql://h')).toThrow(/Unrecognized protocol/);
  });
  it('ignores query keys with a blank value, as the reference (parse_qs) does', () => {
    expect(parseConnectionUrl('h?autocommit=&ssl_ca=&charset=utf8&local_infile').query).toEqual({ charset: 'utf8' });
    expect(parseConnectionUrl('h?autocommit=0&autocommit=').query).toEqual({ autocommit: '0' });
    expect(parseConnectionUrl('h?charset=+').query).toEqual({ charset: ' ' });
    // Even a key that would be unknown says nothing without a value.
    expect(resolveConnectParams('mysql://u:p@h/db?autocommit=&bogus=&ssl_ca=')).toMatchObject({ autocommit: true, host: 'h', database: 'db' });
    expect(resolveConnectParams('mysql://u:p@h/db?ssl_ca=').sslCa).toBeUndefined();
  });

  it('a URL with blank query values connects to the real server', async () => {
    const conn = await connect(`${testServer().url}/?autocommit=&ssl_ca=&connect_timeout=`);
    try {
      expect(await conn.query('SELECT @@autocommit')).toEqual([[1]]);
    } finally {
      await conn.close();
    }
  });

  it('drops a password given without a user, and lower-cases query keys (last wins)', () => {
    expect(parseConnectionUrl(':pw@h').password).toBeUndefined();
    expect(parseConnectionUrl('h?Charset=a&CHARSET=b').query).toEqual({ charset: 'b' });
  });
});

describe('precedence (with the documented deviation: explicit beats URL)', () => {
  it('explicit overrides beat the URL', () => {
    expect(resolveConnectParams('u:p@h:3307/db', { user: 'x', port: 1 })).toMatchObject({ user: 'x', port: 1, password: 'p', database: 'db' });
    expect(resolveConnectParams({ host: 'u:p@h:3307/db', user: 'x' })).toMatchObject({ user: 'x', port: 3307 });
  });
  it('a scheme-less URL keeps an explicit driver', () => {
    expect(resolveConnectParams('h:3306', { driver: 'http' }).driver).toBe('http');
    expect(resolveConnectParams('myhost', { driver: 'http' })).toMatchObject({ driver: 'http', port: 80 });
  });
  it('SINGLESTOREDB_URL is the host source when none is given; an explicit host replaces it', () => {
    process.env.SINGLESTOREDB_URL = 'envuser:envpw@envhost:3999/envdb';
    expect(resolveConnectParams()).toMatchObject({ host: 'envhost', port: 3999, user: 'envuser', password: 'envpw', database: 'envdb' });
    const other = resolveConnectParams({ host: 'other' });
    expect(other).toMatchObject({ host: 'other', port: 3306 });
    expect(other.user).toBeUndefined();
  });
  it('SINGLESTOREDB_PORT applies to every driver', () => {
    process.env.SINGLESTOREDB_PORT = '4000';
    expect(resolveConnectParams('https://h/db').port).toBe(4000);
  });
  it('options.set values are used when nothing else says otherwise', () => {
    options.set('results.type', 'dicts');
    expect(resolveConnectParams('h').resultsType).toBe('objects');
    expect(resolveConnectParams('h', { resultsType: 'namedtuples' }).resultsType).toBe('namedtuples');
  });
  it('accepts the reference snake_case names and validates values', () => {
    expect(resolveConnectParams({ host: 'h', local_infile: true, ssl_ca: '/ca.pem' } as never)).toMatchObject({
      localInfile: true,
      sslCa: '/ca.pem',
      sslVerifyCert: true,
    });
    expect(() => resolveConnectParams({ host: 'h', nonsense: 1 } as never)).toThrow(OptionError);
    expect(() => resolveConnectParams('h', { connectTimeout: 0 })).toThrow(/connect_timeout/);
    expect(() => resolveConnectParams('h', { vectorDataFormat: 'xml' as never })).toThrow(/vector_data_format/);
    expect(resolveConnectParams('h?results_format=dicts').resultsType).toBe('objects');
  });
  it('casts URL booleans with the reference vocabulary', () => {
    for (const [text, value] of [
      ['1', true],
      ['0', false],
      ['on', true],
      ['OFF', false],
      ['yes', true],
      ['f', false],
    ] as const) {
      expect(resolveConnectParams(`h?local_infile=${text}`).localInfile).toBe(value);
    }
    expect(() => resolveConnectParams('h?local_infile=nein')).toThrow(OptionError);
    expect(() => resolveConnectParams('h?local_infile=10')).toThrow(OptionError);
  });
});
