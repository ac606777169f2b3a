import { describe, expect, it } from 'vitest';
import { ServerStatus } from '@s2/base';
import { mayWriteAhead } from '../src/connection/write-ahead.js';

const AUTOCOMMIT = ServerStatus.AUTOCOMMIT;
const escaping = { noBackslashEscapes: false, reformat: () => '' };

describe('mayWriteAhead: which pipelined statements may go out behind running ones', () => {
  it('a plain statement on an autocommit session outside a transaction may', () => {
    expect(mayWriteAhead('SELECT 1', {}, AUTOCOMMIT)).toBe(true);
    expect(mayWriteAhead("SELECT 'it''s'", { escaping }, AUTOCOMMIT)).toBe(true);
  });

  it('not inside a transaction or with autocommit off', () => {
    expect(mayWriteAhead('SELECT 1', {}, AUTOCOMMIT | ServerStatus.IN_TRANS)).toBe(false);
    expect(mayWriteAhead('SELECT 1', {}, 0)).toBe(false);
  });

  it('not when it can be cancelled, streams, or carries file data', () => {
    expect(mayWriteAhead('SELECT 1', { signal: new AbortController().signal }, AUTOCOMMIT)).toBe(false);
    expect(mayWriteAhead('SELECT 1', { timeoutMs: 100 }, AUTOCOMMIT)).toBe(false);
    expect(mayWriteAhead('SELECT 1', { streaming: true }, AUTOCOMMIT)).toBe(false);
    expect(mayWriteAhead('SELECT 1', { infile: 'a,b\n' }, AUTOCOMMIT)).toBe(false);
  });

  it('not when it names LOAD (a LOCAL INFILE request would read the next command as file data)', () => {
    expect(mayWriteAhead("LOAD DATA LOCAL INFILE 'x' INTO TABLE t", {}, AUTOCOMMIT)).toBe(false);
    expect(mayWriteAhead('select 1; load data local infile "x" into table t', {}, AUTOCOMMIT)).toBe(false);
    // LOAD_FILE is another word.
    expect(mayWriteAhead("SELECT LOAD_FILE('/etc/hostname')", {}, AUTOCOMMIT)).toBe(true);
  });

  it('not when its quoted values hold a backslash (their meaning depends on NO_BACKSLASH_ESCAPES)', () => {
    expect(mayWriteAhead("SELECT 'a\\'b'", { escaping }, AUTOCOMMIT)).toBe(false);
    // Without parameters the text is the caller's own and runs as written either way.
    expect(mayWriteAhead("SELECT 'a\\\\b'", {}, AUTOCOMMIT)).toBe(true);
  });

  it('not when it may take more than one packet', () => {
    expect(mayWriteAhead(`SELECT '${'x'.repeat(6_000_000)}'`, {}, AUTOCOMMIT)).toBe(false);
  });
});
