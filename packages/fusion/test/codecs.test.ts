/**
 * DOWNLOAD … ENCODING decodes as the reference's `bytes.decode(encoding)`. Every expected text and
 * message below is what Python 3.11 (the reference's interpreter) answers for the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { FusionValueError } from '../src/index.js';
import { decodeText } from '../src/handlers/codecs.js';

const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

describe('DOWNLOAD … ENCODING codecs', () => {
  it("decodes with Python's codec names and aliases, not WHATWG labels", () => {
    const file = hex('636166e920802078');
    expect(decodeText(file, 'cp1252')).toBe('café € x');
    expect(decodeText(file, 'latin_1')).toBe('café \x80 x');
    expect(decodeText(file, 'Latin-1')).toBe('café \x80 x');
    expect(decodeText(file, 'iso-8859-1')).toBe('café \x80 x');
    expect(decodeText(file, 'l1')).toBe('café \x80 x');
    expect(decodeText(hex('6361666520c3a920f09f9880'), 'UTF8')).toBe('cafe é 😀');
    expect(decodeText(hex('61'), 'US-ASCII')).toBe('a');
    expect(decodeText(hex('61'), 'ansi_x3.4-1968')).toBe('a');
    expect(decodeText(hex('80'), 'windows-1252')).toBe('€');
  });

  it('keeps or skips a byte order mark as each Python codec does', () => {
    expect(decodeText(hex('efbbbf61'), 'utf-8')).toBe('\ufeffa');
    expect(decodeText(hex('efbbbf61'), 'utf-8-sig')).toBe('a');
    expect(decodeText(hex('fffe61003d00'), 'utf-16')).toBe('a=');
    expect(decodeText(hex('feff0061003d'), 'utf-16')).toBe('a=');
    expect(decodeText(hex('6100'), 'utf-16')).toBe('a');
    expect(decodeText(hex('fffe6100'), 'utf-16-le')).toBe('\ufeffa');
    expect(decodeText(hex('fffe000061000000'), 'utf-32')).toBe('a');
    expect(decodeText(hex('0000feff00000061'), 'utf-32')).toBe('a');
    expect(decodeText(hex('00001100'), 'utf-32-be')).toBe('ᄀ');
  });

  it("refuses undecodable bytes with Python's UnicodeDecodeError text", () => {
    const cases: [string, string, string][] = [
      ['636166e920802078', 'ascii', "'ascii' codec can't decode byte 0xe9 in position 3: ordinal not in range(128)"],
      ['636166e920802078', 'utf-8', "'utf-8' codec can't decode byte 0xe9 in position 3: invalid continuation byte"],
      ['efbbbfff', 'utf-8-sig', "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"],
      ['e282', 'utf-8', "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"],
      ['eda080', 'utf-8', "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte"],
      ['f0808080', 'utf-8', "'utf-8' codec can't decode byte 0xf0 in position 0: invalid continuation byte"],
      ['c0af', 'utf-8', "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte"],
      ['81', 'cp1252', "'charmap' codec can't decode byte 0x81 in position 0: character maps to <undefined>"],
      ['9d', 'windows_1252', "'charmap' codec can't decode byte 0x9d in position 0: character maps to <undefined>"],
      ['00d8', 'utf-16', "'utf-16-le' codec can't decode bytes in position 0-1: unexpected end of data"],
      ['00dc4100', 'utf_16_le', "'utf-16-le' codec can't decode bytes in position 0-1: illegal encoding"],
      ['00d84100', 'utf-16', "'utf-16-le' codec can't decode bytes in position 0-1: illegal UTF-16 surrogate"],
      ['610062', 'utf-16', "'utf-16-le' codec can't decode byte 0x62 in position 2: truncated data"],
      ['0000110000', 'utf-32-le', "'utf-32-le' codec can't decode bytes in position 0-3: code point not in range(0x110000)"],
      ['00d80000', 'utf-32', "'utf-32-le' codec can't decode bytes in position 0-3: code point in surrogate code point range(0xd800, 0xe000)"],
    ];
    for (const [bytes, encoding, message] of cases) {
      let err: unknown;
      try {
        decodeText(hex(bytes), encoding);
      } catch (e) {
        err = e;
      }
      expect(err, `${bytes} as ${encoding}`).toBeInstanceOf(FusionValueError);
      expect((err as Error).message, `${bytes} as ${encoding}`).toBe(message);
    }
  });

  it('refuses a codec it does not implement, naming it; no bytes decode to "" under any name, as in Python', () => {
    expect(() => decodeText(hex('61'), 'bogus')).toThrow(FusionValueError);
    expect(() => decodeText(hex('61'), 'bogus')).toThrow(/^unsupported encoding: bogus \(/);
    expect(() => decodeText(hex('61'), 'shift_jis')).toThrow(/^unsupported encoding: shift_jis/);
    // Names of Object.prototype members are not codecs either.
    expect(() => decodeText(hex('61'), 'constructor')).toThrow(/^unsupported encoding: constructor/);
    expect(decodeText(hex(''), 'bogus')).toBe('');
  });
});
