import { describe, expect, it } from 'vitest';
import { BulkInsert, checkLiteral, escapeLiteral, hexLiteral } from '@s2/base';

/** The loop hexLiteral falls back to without Node's Buffer. */
const loopHex = (bytes: Uint8Array) => `X'${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}'`;

describe('the executemany encoder', () => {
  it("hexLiteral: the same text through Node's hex encoder for views at an offset, typed arrays and short buffers", () => {
    const big = new Uint8Array(4096).map((_, i) => (i * 37) & 0xff);
    for (const bytes of [big, big.subarray(3, 1000), new Uint8Array(5).fill(0xab), new Uint8Array(0)]) expect(hexLiteral(bytes)).toBe(loopHex(bytes));
    const floats = new Float32Array([1.5, -2, 3.25, 0, 7, 8]);
    expect(escapeLiteral(floats)).toBe(loopHex(new Uint8Array(floats.buffer)));
  });

  it('backslash escaping in one pass: the same text as a replace over the seven escapable characters', () => {
    const map: Record<string, string> = { '\0': '\\0', '\n': '\\n', '\r': '\\r', '\\': '\\\\', "'": "\\'", '"': '\\"', '\x1a': '\\Z' };
    const alphabet = ['\0', '\n', '\r', '\\', "'", '"', '\x1a', 'a', 'Z', ']', '^', '~', 'é', '😀', ' '];
    let seed = 7;
    const pick = () => alphabet[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length];
    for (let n = 0; n < 2000; n++) {
      const s = Array.from({ length: n % 23 }, pick).join('');
      expect(escapeLiteral(s)).toBe(`'${s.replace(/[\0\n\r\\'"\x1a]/g, (c) => map[c])}'`);
    }
  });

  it('checkLiteral throws exactly when escapeLiteral does, with the same error', () => {
    class Point {}
    const values: unknown[] = [
      1,
      -0,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      10n,
      true,
      null,
      undefined,
      'ok',
      'lone \ud800',
      '',
      new Date(0),
      new Date(Number.NaN),
      new Uint8Array(3),
      new Float64Array(2),
      new ArrayBuffer(4),
      [1, 2],
      [],
      new Set(['a']),
      new Map(),
      { a: 1, b: 2n },
      new Point(),
      Symbol('s'),
      () => 1,
      { toSqlString: () => 'x' },
    ];
    for (const ctx of [{}, { nanAsNull: true, infAsNull: true }]) {
      for (const v of values) {
        let expected: unknown = null;
        try {
          escapeLiteral(v, ctx);
        } catch (e) {
          expected = e;
        }
        let got: unknown = null;
        try {
          checkLiteral(v, ctx);
        } catch (e) {
          got = e;
        }
        expect(got?.constructor).toBe(expected?.constructor);
        expect((got as Error | null)?.message).toBe((expected as Error | null)?.message);
      }
    }
  });

  it('statements end in their last row, so that holding it back leaves text ending in VALUES or a comma', () => {
    const bulk = BulkInsert.parse('INSERT INTO t (a, b) VALUES (?, ?) ON DUPLICATE KEY UPDATE b = VALUES(b)')!;
    const rows = Array.from({ length: 50 }, (_, i) => [i, `v${i}`]);
    let start = 0;
    const seen: number[] = [];
    while (start < rows.length) {
      const s = bulk.statementAt(rows, start, {}, 300);
      expect(new TextEncoder().encode(s.sql).length).toBeLessThanOrEqual(300);
      expect(s.sql.slice(0, s.lastRowAt)).toMatch(/(VALUES |,)$/);
      expect(s.sql.slice(s.lastRowAt)).toBe(`(${s.end - 1}, 'v${s.end - 1}') ON DUPLICATE KEY UPDATE b = VALUES(b)`);
      for (const m of s.sql.matchAll(/\((\d+), 'v/g)) seen.push(Number(m[1]));
      start = s.end;
    }
    expect(seen).toEqual(rows.map((r) => r[0]));
  });

  it("statementBytesAt writes the UTF-8 of escapeLiteral's text, as many rows as fit, and statementAt is that text", () => {
    const utf8 = (s: string) => Buffer.from(s, 'utf8');
    const edgeInts = [0, -0, 7, -7, 9, 10, 99, 100, 2 ** 31, -(2 ** 31), 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21, 123456789012345];
    const scalars: unknown[] = [
      ...edgeInts,
      1.5,
      -0.1,
      1 / 3,
      1e-7,
      5e-324,
      Number.MAX_VALUE,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      12345678901234567890n,
      true,
      false,
      null,
      undefined,
      '',
      'plain',
      'it\'s \\ a "quote"\n\r\0\x1a',
      'é€ and 😀',
      "non-ASCII after an escape: ' é",
      'x'.repeat(300),
      new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 123)),
      new Uint8Array([0, 1, 0x27, 0x5c, 255]),
      new Float32Array([1.5, -2]),
      { a: "it's", b: [1, 2n] },
      { toSqlString: () => "O'Reilly" },
      new Set(['a', 'b']),
    ];
    const ctxs = [
      { nanAsNull: true, infAsNull: true, timezone: 'Z' },
      { nanAsNull: true, infAsNull: true, timezone: 'Z', noBackslashEscapes: true },
    ];
    const positional = Array.from({ length: 200 }, (_, i) => [i, scalars[i % scalars.length], scalars[(i * 7 + 3) % scalars.length]]);
    const named = positional.map(([a, b, c]) => ({ a, b, c }));
    const cases = [
      { sql: 'INSERT INTO t (a, b, c) VALUES (?, ?, ?)', prefix: 'INSERT INTO t (a, b, c) VALUES ', postfix: '' },
      {
        sql: "INSERT INTO `tè` VALUES (:a, :b, :c) ON DUPLICATE KEY UPDATE c = 'é'",
        prefix: 'INSERT INTO `tè` VALUES ',
        postfix: " ON DUPLICATE KEY UPDATE c = 'é'",
      },
    ];
    for (const ctx of ctxs)
      for (const [c, { sql, prefix, postfix }] of cases.entries())
        for (const maxBytes of [1, 400, 5000, 1_000_000]) {
          const rows = c === 0 ? positional : named;
          // The reference: each row's values through escapeLiteral, rows joined by commas.
          const rowText = (i: number) => `(${positional[i].map((v) => escapeLiteral(v, ctx)).join(', ')})`;
          const statementText = (from: number, to: number) => `${prefix}${Array.from({ length: to - from }, (_, k) => rowText(from + k)).join(',')}${postfix}`;
          const bulk = BulkInsert.parse(sql)!;
          let statements = 0;
          for (let start = 0; start < rows.length; statements++) {
            const { bytes, end, lastRowAt } = bulk.statementBytesAt(rows, start, ctx, maxBytes);
            expect(end).toBeGreaterThan(start);
            const want = statementText(start, end);
            expect(Buffer.from(bytes).equals(utf8(want))).toBe(true);
            expect(lastRowAt).toBe(utf8(statementText(start, end)).length - utf8(rowText(end - 1) + postfix).length);
            // Within the bound (unless one row alone exceeds it), and the next row would not fit.
            if (end - start > 1) expect(bytes.length).toBeLessThanOrEqual(maxBytes);
            if (end < rows.length) expect(utf8(statementText(start, end + 1)).length).toBeGreaterThan(maxBytes);
            const text = bulk.statementAt(rows, start, ctx, maxBytes);
            expect(text).toEqual({ sql: want, end, lastRowAt: want.length - rowText(end - 1).length - postfix.length });
            start = end;
          }
          if (maxBytes === 1) expect(statements).toBe(rows.length);
          if (maxBytes === 1_000_000) expect(statements).toBe(1);
        }
  });

  it('statementBytesAt with reuse writes each statement over one buffer: the same bytes as a fresh buffer each time, grown for a larger row', () => {
    const big = `é${'x'.repeat(70_000)}`;
    const rows = Array.from({ length: 400 }, (_, i) => [i, i === 250 ? big : `v${i}`, i / 7]);
    const fresh = BulkInsert.parse('INSERT INTO t VALUES (?, ?, ?)')!;
    const reusing = BulkInsert.parse('INSERT INTO t VALUES (?, ?, ?)')!;
    const buffers = new Set<ArrayBufferLike>();
    let statements = 0;
    for (let start = 0; start < rows.length; statements++) {
      const want = fresh.statementBytesAt(rows, start, {}, 600);
      const got = reusing.statementBytesAt(rows, start, {}, 600, true);
      expect(Buffer.from(got.bytes).equals(Buffer.from(want.bytes))).toBe(true);
      expect([got.end, got.lastRowAt]).toEqual([want.end, want.lastRowAt]);
      buffers.add(got.bytes.buffer);
      start = got.end;
    }
    expect(statements).toBeGreaterThan(20);
    // One buffer until the 70 KB row (past the bound and its 64 KiB slack) needed a larger one, kept from then on.
    expect(buffers.size).toBe(2);
  });

  it("check fails exactly where rendering does, with the row named and the renderer's message", () => {
    class Point {}
    const values: unknown[] = [
      1,
      -0,
      1.5,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      10n,
      true,
      null,
      undefined,
      'ok',
      'lone \udc00',
      new Date(Number.NaN),
      Symbol('s'),
      new Point(),
      [],
      new Uint8Array(2),
    ];
    const bulk = BulkInsert.parse('INSERT INTO t VALUES (?, ?)')!;
    for (const ctx of [{}, { nanAsNull: true, infAsNull: true }])
      for (const v of values) {
        const rows = [
          [1, 'a'],
          ['b', v],
          [2, 'c'],
        ];
        let expected: Error | null = null;
        try {
          escapeLiteral(v, ctx);
        } catch (e) {
          expected = e as Error;
        }
        let got: Error | null = null;
        try {
          bulk.check(rows, ctx);
        } catch (e) {
          got = e as Error;
        }
        expect(got?.constructor).toBe(expected?.constructor);
        expect(got?.message).toBe(expected ? `${expected.message} (executemany: parameter set 2 of 3; nothing was sent)` : undefined);
      }
    expect(() => bulk.check([[1, 2], [3]], {})).toThrow(
      'the statement has 2 placeholder(s) but 1 parameter(s) were given (executemany: parameter set 2 of 2; nothing was sent)',
    );
  });

  it('statementBytesAt grows its buffer for a row larger than the statement bound', () => {
    const bulk = BulkInsert.parse('INSERT INTO t VALUES (?)')!;
    const big = 'é'.repeat(200_000);
    const rows = [['a'], [big], ['b']];
    const first = bulk.statementBytesAt(rows, 0, {}, 1000);
    expect(first.end).toBe(1);
    const second = bulk.statementBytesAt(rows, 1, {}, 1000);
    expect(second.end).toBe(2);
    expect(Buffer.from(second.bytes).toString('utf8')).toBe(`INSERT INTO t VALUES ('${big}')`);
  });
});
