import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { OptionError, options, parseBool, setScopeStorage, withOptions } from '@s2/base';

setScopeStorage(new AsyncLocalStorage());

afterEach(() => {
  options.reset();
  delete process.env.SINGLESTOREDB_RESULTS_TYPE;
  delete process.env.SINGLESTOREDBCONNECTTIMEOUT;
  delete process.env.SINGLESTOREDB_PURE_PYTHON;
  delete process.env.SINGLESTOREDB_LOCAL_INFILE;
});

describe('options registry', () => {
  it('gets defaults by dotted and leaf names', () => {
    expect(options.get('results.type')).toBe('tuples');
    expect(options.get('type')).toBe('tuples');
    expect(options.get('connect_timeout')).toBe(10);
    expect(() => options.get('nope')).toThrow(OptionError);
  });
  it('set validates and reset restores', () => {
    options.set('results.type', 'dicts');
    expect(options.get('results.type')).toBe('dicts');
    expect(() => options.set('results.type', 'bogus')).toThrow(OptionError);
    expect(() => options.set('connect_timeout', 'ten')).toThrow(OptionError);
    options.set({ local_infile: 'yes', connect_timeout: '5' });
    expect(options.get('local_infile')).toBe(true);
    expect(options.get('connect_timeout')).toBe(5);
    options.reset('local_infile');
    expect(options.get('local_infile')).toBe(false);
  });
  it('reads environment variables live, also without underscores, and names bad ones', () => {
    process.env.SINGLESTOREDB_RESULTS_TYPE = 'namedtuples';
    expect(options.get('results.type')).toBe('namedtuples');
    process.env.SINGLESTOREDBCONNECTTIMEOUT = '7';
    expect(options.get('connect_timeout')).toBe(7);
    process.env.SINGLESTOREDB_LOCAL_INFILE = 'maybe';
    expect(() => options.get('local_infile')).toThrow(/SINGLESTOREDB_LOCAL_INFILE/);
    process.env.SINGLESTOREDB_PURE_PYTHON = '1';
    expect(options.get('pure_js')).toBe(true);
  });
  it("encoding_errors takes only 'strict' and 'replace', and says the reference's other handlers are not supported", () => {
    for (const handler of ['ignore', 'backslashreplace', 'surrogateescape']) {
      expect(() => options.set('encoding_errors', handler)).toThrow(OptionError);
      expect(() => options.set('encoding_errors', handler)).toThrow(/only these two are supported.*Python SDK/);
    }
    process.env.SINGLESTOREDB_ENCODING_ERRORS = 'ignore';
    try {
      expect(() => options.get('encoding_errors')).toThrow(
        /SINGLESTOREDB_ENCODING_ERRORS: 'ignore' is not one of strict, replace; only these two are supported/,
      );
    } finally {
      delete process.env.SINGLESTOREDB_ENCODING_ERRORS;
    }
    options.set('encoding_errors', 'replace');
    expect(options.get('encoding_errors')).toBe('replace');
  });
  it('sees every change of a variable between reads (parsed values are cached by raw text only)', () => {
    try {
      expect(options.get('debug.queries')).toBe(false);
      process.env.SINGLESTOREDB_DEBUG_QUERIES = '1';
      expect(options.get('debug.queries')).toBe(true);
      process.env.SINGLESTOREDB_DEBUG_QUERIES = 'off';
      expect(options.get('debug.queries')).toBe(false);
      process.env.SINGLESTOREDB_DEBUG_QUERIES = 'maybe';
      expect(() => options.get('debug.queries')).toThrow(/SINGLESTOREDB_DEBUG_QUERIES/);
      expect(() => options.get('debug.queries')).toThrow(/SINGLESTOREDB_DEBUG_QUERIES/);
      delete process.env.SINGLESTOREDB_DEBUG_QUERIES;
      process.env.SINGLESTOREDBDEBUGQUERIES = 'off';
      expect(options.describe('debug.queries')[0]).toMatchObject({ value: false, source: 'env' });
      process.env.SINGLESTOREDB_DEBUG_QUERIES = 'on';
      expect(options.get('debug.queries')).toBe(true);
      delete process.env.SINGLESTOREDB_DEBUG_QUERIES;
      process.env.SINGLESTOREDBDEBUGQUERIES = 'maybe';
      expect(() => options.get('debug.queries')).toThrow(/SINGLESTOREDBDEBUGQUERIES/);
      delete process.env.SINGLESTOREDBDEBUGQUERIES;
      options.set('debug.queries', true);
      expect(options.describe('debug.queries')[0]).toMatchObject({ value: true, source: 'set' });
    } finally {
      delete process.env.SINGLESTOREDB_DEBUG_QUERIES;
      delete process.env.SINGLESTOREDBDEBUGQUERIES;
    }
  });
  it('describes options with their source', () => {
    const [d] = options.describe('results.type');
    expect(d).toMatchObject({ name: 'results.type', default: 'tuples', source: 'default', env: ['SINGLESTOREDB_RESULTS_TYPE'] });
    expect(d.validValues).toContain('namedtuples');
    expect(options.describe().length).toBeGreaterThan(60);
  });
  it('withOptions scopes are isolated between concurrent async tasks', async () => {
    const seen: string[] = [];
    const task = (type: string, delay: number) =>
      withOptions({ 'results.type': type }, async () => {
        await new Promise((r) => setTimeout(r, delay));
        seen.push(`${type}:${String(options.get('results.type'))}`);
        await new Promise((r) => setTimeout(r, delay));
        seen.push(`${type}:${String(options.get('results.type'))}`);
      });
    await Promise.all([task('dicts', 15), task('namedtuples', 5)]);
    expect(seen.sort()).toEqual(['dicts:dicts', 'dicts:dicts', 'namedtuples:namedtuples', 'namedtuples:namedtuples']);
    expect(options.get('results.type')).toBe('tuples');
  });
  it('parses the bool vocabulary strictly', () => {
    for (const t of ['on', 'T', 'yes', 'enabled', '1', 1, true]) expect(parseBool(t, 'x')).toBe(true);
    for (const f of ['off', 'F', 'no', 'disable', '0', 0, false]) expect(parseBool(f, 'x')).toBe(false);
    for (const bad of [10, 'nein', [], 'b']) expect(() => parseBool(bad, 'x')).toThrow(OptionError);
  });
});
