import { describe, expect, it } from 'vitest';
import { compileFilter, VectorStoreError, type Filter } from '@s2/vectorstore';

const M = 'MATCH_PARAM';
describe("metadata filters compile to the reference's SQL", () => {
  const cases: [string, Filter, string, unknown[]][] = [
    ['exact string', { genre: 'drama' }, `JSON_MATCH_ANY(${M}_STRING_STRICT() = ?, metadata, ?)`, ['drama', 'genre']],
    ['exact number', { year: 2020 }, `JSON_MATCH_ANY(${M}_DOUBLE_STRICT() = ?, metadata, ?)`, [2020, 'year']],
    ['exact boolean', { draft: false }, `JSON_MATCH_ANY(${M}_BOOL_STRICT() = ?, metadata, ?)`, [false, 'draft']],
    ['$eq', { genre: { $eq: 'drama' } }, `JSON_MATCH_ANY(${M}_STRING_STRICT() = ?, metadata, ?)`, ['drama', 'genre']],
    [
      '$ne',
      { genre: { $ne: 'drama' } },
      `NOT JSON_MATCH_ANY(${M}_STRING_STRICT() = ?, metadata, ?) AND JSON_MATCH_ANY_EXISTS(metadata, ?)`,
      ['drama', 'genre', 'genre'],
    ],
    ['$gt', { year: { $gt: 2019 } }, 'JSON_EXTRACT_DOUBLE(metadata, ?) > ?', ['year', 2019]],
    ['$gte', { year: { $gte: 2019 } }, 'JSON_EXTRACT_DOUBLE(metadata, ?) >= ?', ['year', 2019]],
    ['$lt', { rating: { $lt: 3.5 } }, 'JSON_EXTRACT_DOUBLE(metadata, ?) < ?', ['rating', 3.5]],
    ['$lte', { rating: { $lte: 3.5 } }, 'JSON_EXTRACT_DOUBLE(metadata, ?) <= ?', ['rating', 3.5]],
    ['$in', { genre: { $in: ['a', 1, true] } }, 'JSON_MATCH_ANY(JSON_ARRAY_CONTAINS_JSON(?, MATCH_PARAM_JSON()), metadata, ?)', ['["a", 1, true]', 'genre']],
    [
      '$nin',
      { genre: { $nin: ['a'] } },
      'NOT JSON_MATCH_ANY(JSON_ARRAY_CONTAINS_JSON(?, MATCH_PARAM_JSON()), metadata, ?) AND JSON_MATCH_ANY_EXISTS(metadata, ?)',
      ['["a"]', 'genre', 'genre'],
    ],
    ['$exists true', { x: { $exists: true } }, 'JSON_MATCH_ANY_EXISTS(metadata, ?)', ['x']],
    ['$exists false', { x: { $exists: false } }, 'NOT JSON_MATCH_ANY_EXISTS(metadata, ?)', ['x']],
    [
      '$and (the spec example)',
      { $and: [{ genre: 'drama' }, { year: { $gte: 2020 } }] },
      `JSON_MATCH_ANY(${M}_STRING_STRICT() = ?, metadata, ?) AND JSON_EXTRACT_DOUBLE(metadata, ?) >= ?`,
      ['drama', 'genre', 'year', 2020],
    ],
    [
      '$or',
      { $or: [{ a: 1 }, { b: { $exists: false } }] },
      `(JSON_MATCH_ANY(${M}_DOUBLE_STRICT() = ?, metadata, ?) OR NOT JSON_MATCH_ANY_EXISTS(metadata, ?))`,
      [1, 'a', 'b'],
    ],
    [
      'nested $or in $and',
      { $and: [{ $or: [{ a: 'x' }, { a: 'y' }] }, { n: { $lt: 2 } }] },
      `(JSON_MATCH_ANY(${M}_STRING_STRICT() = ?, metadata, ?) OR JSON_MATCH_ANY(${M}_STRING_STRICT() = ?, metadata, ?)) AND JSON_EXTRACT_DOUBLE(metadata, ?) < ?`,
      ['x', 'a', 'y', 'a', 'n', 2],
    ],
  ];
  for (const [name, filter, sql, params] of cases) {
    it(name, () => expect(compileFilter(filter)).toEqual({ sql, params }));
  }
});

describe('nested key paths (an s2 extension: the reference matches top-level keys only)', () => {
  it('a dotted key becomes one key-path argument per segment', () => {
    expect(compileFilter({ 'author.name': 'Ann' })).toEqual({
      sql: `JSON_MATCH_ANY(${M}_STRING_STRICT() = ?, metadata, ?, ?)`,
      params: ['Ann', 'author', 'name'],
    });
    expect(compileFilter({ 'a.b.c': { $gte: 1 } })).toEqual({ sql: 'JSON_EXTRACT_DOUBLE(metadata, ?, ?, ?) >= ?', params: ['a', 'b', 'c', 1] });
    expect(compileFilter({ 'a.b': { $ne: 1 } })).toEqual({
      sql: `NOT JSON_MATCH_ANY(${M}_DOUBLE_STRICT() = ?, metadata, ?, ?) AND JSON_MATCH_ANY_EXISTS(metadata, ?, ?)`,
      params: [1, 'a', 'b', 'a', 'b'],
    });
    expect(compileFilter({ 'a.b': { $exists: true } })).toEqual({ sql: 'JSON_MATCH_ANY_EXISTS(metadata, ?, ?)', params: ['a', 'b'] });
  });
  it('empty path segments are rejected', () => {
    expect(() => compileFilter({ 'a..b': 1 })).toThrow(/Invalid metadata key path/);
  });
});

describe("invalid filters are VectorStoreErrors with the reference's messages", () => {
  const bad: [string, unknown, RegExp][] = [
    ['not an object', 'genre', /Filter must be a dictionary/],
    ['an array', [{ a: 1 }], /Filter must be a dictionary/],
    ['two keys', { a: 1, b: 2 }, /exactly one key/],
    ['two operators', { a: { $gt: 1, $lt: 2 } }, /Field filter must contain exactly one key/],
    ['$gt with a string', { a: { $gt: '1' } }, /\$gt must be a numeric value/],
    ['$lte with a boolean (the reference lets it through)', { a: { $lte: true } }, /\$lte must be a numeric value/],
    ['$in with a scalar', { a: { $in: 'x' } }, /\$in must be a list/],
    ['$nin with an object element', { a: { $nin: [{}] } }, /Unsupported value type/],
    ['$exists with a number', { a: { $exists: 1 } }, /\$exists must be a boolean/],
    ['$and with an object', { $and: { a: 1 } }, /\$and must be a non-empty list/],
    ['$or empty', { $or: [] }, /\$or must be a non-empty list/],
    ['unknown operator', { a: { $regex: 'x' } }, /Unsupported operator: \$regex/],
    ['unknown logical operator', { $not: { a: 1 } }, /Unsupported operator: \$not/],
    ['null value', { a: null }, /Unsupported value type: null/],
    ['array value', { a: [1, 2] }, /Unsupported value type: array/],
    ['NaN', { a: Number.NaN }, /only finite numbers/],
  ];
  for (const [name, filter, message] of bad) {
    it(name, () => {
      const err = (() => {
        try {
          compileFilter(filter as Filter);
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(VectorStoreError);
      expect((err as Error).message).toMatch(message);
    });
  }
});
