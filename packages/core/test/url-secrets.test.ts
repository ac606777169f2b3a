import { describe, expect, it } from 'vitest';
import { OptionError } from '@s2/base';
import { parseConnectionUrl, resolveConnectParams } from '@s2/core';

const SECRET = 'Pw9Secret';

function failure(url: string): Error {
  try {
    resolveConnectParams(url);
  } catch (err) {
    return err as Error;
  }
  throw new Error(`no error for ${url}`);
}

describe('a password with a raw reserved character', () => {
  it.each([
    `mysql://root:abc#${SECRET}@127.0.0.1/rv`,
    `mysql://root:${SECRET}#x@127.0.0.1/rv`,
    `mysql://root:${SECRET}?x@127.0.0.1/rv`,
    `mysql://root:${SECRET}/x@127.0.0.1/rv`,
    `mysql://root:12345/${SECRET}@127.0.0.1/rv`,
    `root:${SECRET}/x@127.0.0.1/rv`,
  ])('%s is an OptionError that names no part of the password', (url) => {
    const err = failure(url);
    expect(err).toBeInstanceOf(OptionError);
    expect(err.message).toMatch(/percent-encode/);
    expect(err.message).not.toContain(SECRET);
    expect(err.message).not.toContain('abc');
    expect(err.message).not.toContain('12345');
  });

  it('a bad port is reported without its text', () => {
    const err = failure(`mysql://root:${SECRET}`);
    expect(err).toBeInstanceOf(OptionError);
    expect(err.message).not.toContain(SECRET);
  });

  it("a raw '@' stays in the password (the last '@' ends the user part, as in urlparse)", () => {
    expect(parseConnectionUrl('mysql://u:p@ss@h:3306/db')).toMatchObject({ user: 'u', password: 'p@ss', host: 'h', port: 3306, database: 'db' });
  });

  it("an '@' in a query value or a percent-encoded password is fine", () => {
    expect(resolveConnectParams('mysql://u:a%23b%2Fc@h/db?program_name=a@b')).toMatchObject({
      user: 'u',
      password: 'a#b/c',
      host: 'h',
      database: 'db',
      programName: 'a@b',
    });
    expect(resolveConnectParams('mysql://h:3306/db?program_name=x@y').host).toBe('h');
  });
});
