import { describe, expect, it } from 'vitest';
import { batchInsertStatements, escapeLiteral, formatQuery, ParameterError, ProgrammingError, SqlTime, vectorJson } from '@s2/base';

/** Reads one SQL string literal the way the server does, in either escaping mode. */
function readSqlString(literal: string, noBackslashEscapes: boolean): string {
  expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "'") {
      expect(body[i + 1]).toBe("'"); // a lone quote would end the literal: injection
      out += "'";
      i++;
    } else if (c === '\\' && !noBackslashEscapes) {
      const n = body[++i];
      out += ({ '0': '\0', n: '\n', r: '\r', Z: '\x1a', '\\': '\\', "'": "'", '"': '"' } as Record<string, string>)[n] ?? n;
    } else out += c;
  }
  return out;
}

const TRICKY = ["'", "\\'", "''", '"', '\\', '\0', '\n\r', '\x1a', "'; DROP TABLE t; --", '🥷🧙👻.eth', '\u2028\u2029', 'ß\u0301', "\\\\'"];

describe('string literals are injection-safe in both escaping modes', () => {
  for (const noBackslashEscapes of [false, true]) {
    it(`every byte value and tricky strings round-trip (${noBackslashEscapes ? 'NO_BACKSLASH_ESCAPES' : 'backslash escapes'})`, () => {
      const samples = [
        ...Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)),
        ...TRICKY,
        Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join(''),
      ];
      for (const s of samples) expect(readSqlString(escapeLiteral(s, { noBackslashEscapes }), noBackslashEscapes)).toBe(s);
    });
  }
  it('lone surrogates are refused rather than silently replaced', () => {
    expect(() => escapeLiteral('a\ud800b')).toThrow(ParameterError);
  });
});

describe('literal rendering', () => {
  it('renders each JS type', () => {
    expect(escapeLiteral(null)).toBe('NULL');
    expect(escapeLiteral(undefined)).toBe('NULL');
    expect(escapeLiteral(true)).toBe('1');
    expect(escapeLiteral(42)).toBe('42');
    expect(escapeLiteral(1.5)).toBe('1.5e0');
    expect(escapeLiteral(1e-7)).toBe('1e-7');
    expect(escapeLiteral(-0)).toBe('0');
    expect(escapeLiteral(2n ** 64n)).toBe('18446744073709551616');
    expect(escapeLiteral(Buffer.from([0, 1, 255]))).toBe("X'0001ff'");
    expect(escapeLiteral(new Float32Array([1]))).toBe("X'0000803f'");
    expect(escapeLiteral([1, 'a', null])).toBe("(1, 'a', NULL)");
    expect(
      escapeLiteral([
        [1, 2],
        [3, 4],
      ]),
    ).toBe('(1, 2), (3, 4)');
    expect(escapeLiteral({ a: 1, big: 2n ** 60n })).toBe(`'{\\"a\\":1,\\"big\\":1152921504606846976}'`);
    expect(escapeLiteral(new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 120)), { timezone: 'Z' })).toBe("'2024-05-06 07:08:09.120'");
    expect(escapeLiteral(new Date(Date.UTC(2024, 4, 6, 7, 8, 9)), { timezone: '+02:00' })).toBe("'2024-05-06 09:08:09'");
    expect(escapeLiteral(SqlTime.fromMicroseconds(-1_000_000))).toBe("'-00:00:01'");
    expect(escapeLiteral(new Set(['a', 'b']))).toBe("'a,b'");
    expect(vectorJson(new Float32Array([0.5, 1]))).toBe('[0.5,1]');
  });
  it('NaN and Infinity raise unless mapped to NULL', () => {
    expect(() => escapeLiteral(NaN)).toThrow(ProgrammingError);
    expect(() => escapeLiteral(-Infinity)).toThrow(/inf can not be used/);
    expect(escapeLiteral(NaN, { nanAsNull: true })).toBe('NULL');
    expect(escapeLiteral(Infinity, { infAsNull: true })).toBe('NULL');
  });
  it('refuses values with no SQL meaning', () => {
    expect(() => escapeLiteral(Symbol('x'))).toThrow(ParameterError);
    expect(() => escapeLiteral(() => 1)).toThrow(ParameterError);
    expect(() => escapeLiteral(new Map())).toThrow(ParameterError);
    expect(() => escapeLiteral([])).toThrow(/empty array/);
    expect(() => escapeLiteral(new Date('nope'))).toThrow(ParameterError);
  });
});

describe('placeholders', () => {
  it('fills ? and %s positionally and :name and %(name)s by name', () => {
    expect(formatQuery('SELECT ?, %s', [1, 'a'])).toBe("SELECT 1, 'a'");
    expect(formatQuery('SELECT :a, %(b)s, :a', { a: 1, b: 'x' })).toBe("SELECT 1, 'x', 1");
  });
  it('ignores placeholders inside strings, identifiers and comments, and casts', () => {
    const sql = "SELECT '?', \"%s\", `a?b`, x::int, 'foo::bar', 'a\\'?' -- ?\n, ? /* ? :x */ # ?\n";
    expect(formatQuery(sql, [5])).toBe(sql.replace(', ? /*', ', 5 /*'));
    expect(formatQuery("SELECT :v, 'x:y', a:>INT", { v: 2 })).toBe("SELECT 2, 'x:y', a:>INT");
  });
  it('un-doubles %% only when interpolating', () => {
    expect(formatQuery('SELECT "%%"', undefined)).toBe('SELECT "%%"');
    expect(formatQuery('SELECT REPLACE(i, "%%", "x")', [])).toBe('SELECT REPLACE(i, "%%", "x")');
    expect(formatQuery('SELECT %s, 100%%', [1])).toBe('SELECT 1, 100%');
    expect(formatQuery('SELECT 5 %% 2', [], { interpolateWithEmptyArgs: true })).toBe('SELECT 5 % 2');
  });
  // Expected texts are what the Python SDK's `query % args` gives for the same statements.
  it('un-doubles %% inside quoted strings, quoted names and comments too, as the reference does', () => {
    expect(formatQuery("SELECT '100%%', %s", [1])).toBe("SELECT '100%', 1");
    expect(formatQuery("SELECT %s FROM t WHERE a LIKE 'a%%'", [1])).toBe("SELECT 1 FROM t WHERE a LIKE 'a%'");
    expect(formatQuery('SELECT REPLACE(i, "%%", "\\%%") FROM t WHERE i = %s', ['a%a'])).toBe('SELECT REPLACE(i, "%", "\\%") FROM t WHERE i = \'a%a\'');
    expect(formatQuery('SELECT REPLACE(i, "%%", "\\%%")', [], { interpolateWithEmptyArgs: true })).toBe('SELECT REPLACE(i, "%", "\\%")');
    expect(formatQuery('SELECT %s, `a%%b` -- 100%%\n, 1 /* 5%% */ # x%%\n', [1])).toBe('SELECT 1, `a%b` -- 100%\n, 1 /* 5% */ # x%\n');
    expect(formatQuery("SELECT %s, '%%%%'", [1])).toBe("SELECT 1, '%%'");
    // Placeholders inside them stay ignored; the pairs and the placeholders merge in order.
    expect(formatQuery("SELECT '%%s %s ?', %s, '50%%', ?", [1, 2])).toBe("SELECT '%s %s ?', 1, '50%', 2");
    expect(formatQuery("SELECT :a, '%%:a', %(b)s", { a: 1, b: 2 })).toBe("SELECT 1, '%:a', 2");
  });
  it('count and name mismatches are ParameterErrors', () => {
    expect(() => formatQuery('SELECT ?, ?', [1])).toThrow(ParameterError);
    expect(() => formatQuery('SELECT ?', [1, 2])).toThrow(/1 placeholder\(s\) but 2/);
    expect(() => formatQuery('SELECT :a', { b: 1 })).toThrow(/named parameter\(s\): a/);
    expect(() => formatQuery('SELECT ?', 'x' as never)).toThrow(ParameterError);
  });
});

describe('executemany rewriting', () => {
  it('batches INSERT ... VALUES rows into multi-row statements under the byte bound, in order', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => [i, `name-${i}`]);
    const stmts = batchInsertStatements('INSERT INTO t (a, b) VALUES (?, ?)', rows, {}, 2000)!;
    expect(stmts.length).toBeGreaterThan(5);
    for (const s of stmts) expect(new TextEncoder().encode(s).length).toBeLessThanOrEqual(2000);
    const values = stmts.flatMap((s) => [...s.matchAll(/\((\d+), 'name-(\d+)'\)/g)].map((m) => Number(m[1])));
    expect(values).toEqual(rows.map((r) => r[0]));
  });
  it('keeps ON DUPLICATE KEY UPDATE and accepts named rows', () => {
    const stmts = batchInsertStatements('insert into t values (%(a)s, %(b)s) ON DUPLICATE KEY UPDATE b = VALUES(b);', [
      { a: 1, b: 2 },
      { a: 3, b: 4 },
    ])!;
    expect(stmts).toEqual(['insert into t values (1, 2),(3, 4) ON DUPLICATE KEY UPDATE b = VALUES(b)']);
  });
  it('un-doubles %% before VALUES (quoted names included) and sends the part after the row as written, as the reference does', () => {
    expect(batchInsertStatements("INSERT INTO `a%%b` (c) VALUES (%s) ON DUPLICATE KEY UPDATE c = '5%%'", [[1], [2]])).toEqual([
      "INSERT INTO `a%b` (c) VALUES (1),(2) ON DUPLICATE KEY UPDATE c = '5%%'",
    ]);
  });
  it('returns null for statements it cannot batch', () => {
    expect(batchInsertStatements('INSERT INTO t VALUES (?, NOW())', [[1]])).toBeNull();
    expect(batchInsertStatements('UPDATE t SET a = ?', [[1]])).toBeNull();
    expect(batchInsertStatements('INSERT INTO t SELECT ?', [[1]])).toBeNull();
  });
});

describe('utf8Length', () => {
  it('matches the encoder for ASCII, 2-, 3- and 4-byte characters', async () => {
    const { utf8Length } = await import('@s2/base');
    for (const s of ['', 'abc', 'é', '€', '🥷', 'aé€🥷z'.repeat(50)]) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });
});
