import { afterAll, describe, expect, it } from 'vitest';
import { columnDefinition, ColumnFlag, FieldType, resolveDecodeOptions, type ColumnDefinition, type DecodeOptions } from '@s2/base';
import { rowPacket } from '@s2/testing';
import { decodeFrame, decodeRows, loadNative } from '@s2/native';
import { comparable, countAddonCalls, needsAddon, type AddonCalls } from './support.js';

/**
 * Native against TypeScript on hand-made batches: values a real server does not send (or not
 * easily), where the two paths used to part ways. Each check also records what the addon did,
 * so that a batch it handed back cannot pass as agreement.
 */
const native = loadNative();
const calls = native ? countAddonCalls(native) : null;
afterAll(() => calls?.restore());

const col = (name: string, typeCode: number, extra: Partial<ColumnDefinition> = {}) =>
  columnDefinition(name, typeCode, { schema: 'db', table: 't', orgTable: 't', charset: 45, length: 255, ...extra });

type Outcome = { ok: true; value: unknown } | { ok: false; error: string; errno: unknown; message: string };
function outcome(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    const e = err as Error & { errno?: unknown };
    return { ok: false, error: e.constructor.name, errno: e.errno ?? null, message: e.message };
  }
}

/** Both paths' outcomes of one batch, and the addon's own part in the native one. */
function both(f: (path: 'pure' | 'native') => unknown): { pure: Outcome; native: Outcome; addon: AddonCalls } {
  const pure = outcome(() => f('pure'));
  calls!.take();
  const nat = outcome(() => f('native'));
  return { pure, native: nat, addon: calls!.take() };
}

const frames = (columns: ColumnDefinition[], options: DecodeOptions, packets: Uint8Array[], target: 'columns' | 'arrow') => (path: 'pure' | 'native') =>
  decodeFrame(columns, options, packets, target, path).map((c) => comparable(c as never));
const rows = (columns: ColumnDefinition[], options: DecodeOptions, packets: Uint8Array[]) => (path: 'pure' | 'native') =>
  decodeRows(columns, options, packets, path).map((r) => r.map((v) => (Object.is(v, -0) ? '-0' : typeof v === 'bigint' ? `${v}n` : v)));

describe('native and TypeScript decoders agree on hand-made batches', needsAddon(), () => {
  it('a batch the addon rejects gets the TypeScript verdict (invalid UTF-8 in row 0, a truncated row 21)', () => {
    const columns = [col('s', FieldType.VAR_STRING), col('i', FieldType.LONG)];
    const packets = [rowPacket([Buffer.from('a\xff', 'latin1'), '1'])];
    for (let i = 0; i < 20; i++) packets.push(rowPacket(['x', '2']));
    packets.push(Buffer.from([1, 0x41]));
    const options = resolveDecodeOptions();
    for (const [what, run] of [
      ['columns', frames(columns, options, packets, 'columns')],
      ['arrow', frames(columns, options, packets, 'arrow')],
      ['rows', rows(columns, options, packets)],
    ] as const) {
      const r = both(run);
      expect(r.addon, what).toEqual({ decoded: 0, declined: 0, threw: 1 });
      expect(r.pure, what).toMatchObject({ ok: false, error: 'DecodeError' });
      expect(r.native, what).toEqual(r.pure);
    }
  });

  it("integer '-0' is 0 in rows on both paths", () => {
    const columns = [col('t', FieldType.TINY), col('i', FieldType.LONG), col('b', FieldType.LONGLONG)];
    const packets = Array.from({ length: 20 }, (_, i) => rowPacket(i % 2 ? ['-0', '-0', '-0'] : [String(i), String(-i), String(i)]));
    for (const int64 of ['auto', 'number', 'bigint'] as const) {
      const r = both(rows(columns, resolveDecodeOptions({ int64 }), packets));
      expect(r.addon, int64).toEqual({ decoded: 1, declined: 0, threw: 0 });
      expect(r.native, int64).toEqual(r.pure);
      expect(JSON.stringify(r.pure)).not.toContain('"-0"');
    }
  });

  it('integers a frame column cannot hold are the same DataError on both paths', () => {
    const cases: [ColumnDefinition, string][] = [
      [col('t', FieldType.TINY), '300'],
      [col('t', FieldType.TINY), '-129'],
      [col('t', FieldType.TINY), 'abc'],
      [col('u', FieldType.TINY, { flags: ColumnFlag.UNSIGNED }), '-1'],
      [col('i', FieldType.LONG), '4294967295'],
      [col('b', FieldType.LONGLONG), '9223372036854775808'],
      [col('b', FieldType.LONGLONG), 'abc'],
      [col('u', FieldType.LONGLONG, { flags: ColumnFlag.UNSIGNED }), '18446744073709551616'],
    ];
    for (const [c, text] of cases) {
      const packets = Array.from({ length: 20 }, (_, i) => rowPacket([i === 7 ? text : '1']));
      for (const target of ['columns', 'arrow'] as const) {
        const r = both(frames([c], resolveDecodeOptions(), packets, target));
        // The addon hands such a batch back: the range check is the TypeScript decoder's.
        expect(r.addon).toEqual({ decoded: 0, declined: 1, threw: 0 });
        expect(r.pure, `${c.name} '${text}' ${target}`).toMatchObject({ ok: false, error: 'DataError', message: expect.stringContaining(`'${text}'`) });
        expect(r.native, `${c.name} '${text}' ${target}`).toEqual(r.pure);
      }
    }
  });

  it("JSON in Arrow frames keeps the server's text with encodingErrors: 'replace'", () => {
    const columns = [col('j', FieldType.JSON), col('i', FieldType.LONG)];
    const texts = ['{"a": 1.50, "n": 12345678901234567890}', '[1e2, -0]', 'null'];
    const packets = Array.from({ length: 20 }, (_, i) => rowPacket([i % 4 === 3 ? null : texts[i % 4], String(i)]));
    packets.push(rowPacket([Buffer.from('["\xff"]', 'latin1'), '20']));
    const r = both((path) => decodeFrame(columns, resolveDecodeOptions({ encodingErrors: 'replace' }), packets, 'arrow', path)[0].items);
    expect(r.addon).toEqual({ decoded: 1, declined: 0, threw: 0 });
    expect(r.native).toEqual(r.pure);
    expect(r.pure).toEqual({ ok: true, value: [...packets.slice(0, 20).map((_, i) => (i % 4 === 3 ? null : texts[i % 4])), '["\uFFFD"]'] });
  });
});
