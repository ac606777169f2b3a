import { describe, expect, it } from 'vitest';
import { DataError, FieldType, InternalError, IntegrityError, ProgrammingError } from '@s2/base';
import { columnDefinitionPacket, errPacket, handshakePacket, okPacket } from '@s2/testing';
import { PacketCursor, parseColumnDefinition, parseErr, parseHandshake, parseOk } from '@s2/wire';

describe('server message parsing', () => {
  it('parses a v10 handshake with a 20-byte salt and plugin name', () => {
    const salt = Buffer.from('0123456789abcdefghij');
    const hs = parseHandshake(handshakePacket({ salt, authPlugin: 'caching_sha2_password', connectionId: 77, serverVersion: '8.0.36' }));
    expect(hs.serverVersion).toBe('8.0.36');
    expect(hs.connectionId).toBe(77);
    expect(hs.authData.equals(salt)).toBe(true);
    expect(hs.authPlugin).toBe('caching_sha2_password');
  });

  it('parses OK packets with large counts', () => {
    const ok = parseOk(okPacket({ affectedRows: 70000, insertId: 16777216, status: 0x0a, warnings: 3 }));
    expect(ok).toMatchObject({ affectedRows: 70000, insertId: 16777216, serverStatus: 0x0a, warningCount: 3 });
  });

  it("reads the OK packet's info whether or not the server put a length before it", () => {
    const status = [0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00];
    const text = Buffer.from('Records: 2  Duplicates: 0  Warnings: 0');
    // What MariaDB sends for a two-row INSERT: the info as a length-prefixed string.
    expect(parseOk(Uint8Array.from([...status, text.length, ...text])).info).toBe(text.toString());
    // The documented form: the rest of the packet.
    expect(parseOk(Uint8Array.from([...status, ...text])).info).toBe(text.toString());
    expect(parseOk(Uint8Array.from(status)).info).toBe('');
  });

  it('maps ERR packets to typed errors with errno, sqlstate and message', () => {
    const e1 = parseErr(errPacket(1064, '42000', 'You have an error in your SQL syntax'));
    expect(e1).toBeInstanceOf(ProgrammingError);
    expect(e1.errno).toBe(1064);
    expect(e1.sqlstate).toBe('42000');
    expect(e1.message).toBe('1064 (42000): You have an error in your SQL syntax');
    expect(parseErr(errPacket(1062, '23000', 'Duplicate entry'))).toBeInstanceOf(IntegrityError);
    expect(parseErr(errPacket(999, 'HY000', 'low'))).toBeInstanceOf(InternalError);
  });

  it('decodes the SingleStore extension bytes into extended type codes', () => {
    const vec = parseColumnDefinition(
      columnDefinitionPacket({ name: 'v', type: 0xfc, charset: 63, length: 12, extendedType: 2, vectorDimension: 3, vectorElementType: 1 }),
    );
    expect(vec).toMatchObject({ typeCode: FieldType.FLOAT32_VECTOR, rawTypeCode: 0xfc, length: 3, vectorDimension: 3, vectorElementType: 1 });
    const json = parseColumnDefinition(
      columnDefinitionPacket({ name: 'v', type: 0xfc, charset: 45, extendedType: 2, vectorDimension: 4, vectorElementType: 6 }),
    );
    expect(json.typeCode).toBe(FieldType.INT64_VECTOR_JSON);
    const bson = parseColumnDefinition(columnDefinitionPacket({ name: 'b', type: 0xfc, charset: 63, extendedType: 1 }));
    expect(bson.typeCode).toBe(FieldType.BSON);
    const plain = parseColumnDefinition(columnDefinitionPacket({ name: 'p', type: 3, charset: 63 }));
    expect(plain).toMatchObject({ typeCode: 3, extendedType: 0 });
  });

  it('rejects unknown extended types and element types with typed errors', () => {
    expect(() => parseColumnDefinition(columnDefinitionPacket({ name: 'x', type: 0xfc, extendedType: 9 }))).toThrow(/unrecognized extended data type/);
    expect(() => parseColumnDefinition(columnDefinitionPacket({ name: 'x', type: 0xfc, extendedType: 2, vectorDimension: 2, vectorElementType: 8 }))).toThrow(
      InternalError,
    );
  });

  it('turns every truncation of valid packets into a typed error, never a RangeError', () => {
    const cases = [
      { name: 'handshake', full: handshakePacket(), parse: parseHandshake },
      {
        name: 'column definition',
        full: columnDefinitionPacket({ name: 'column', type: 3, extendedType: 2, vectorDimension: 3, vectorElementType: 1 }),
        parse: parseColumnDefinition,
      },
    ];
    const accepted: string[] = [];
    const wrongError: string[] = [];
    let tried = 0;
    for (const { name, full, parse } of cases) {
      expect(() => parse(full)).not.toThrow();
      for (let cut = 0; cut < full.length; cut++) {
        tried++;
        let thrown: unknown;
        try {
          parse(full.subarray(0, cut));
        } catch (err) {
          thrown = err;
        }
        if (thrown === undefined) accepted.push(`${name} cut at ${cut}`);
        else if (!(thrown instanceof InternalError) || thrown.errno !== 2027) wrongError.push(`${name} cut at ${cut}: ${String(thrown)}`);
      }
    }
    expect(tried).toBe(cases.reduce((n, c) => n + c.full.length, 0));
    expect(accepted).toEqual([]);
    expect(wrongError).toEqual([]);
  });

  it('reads length-encoded integers of every width and refuses 0xff', () => {
    const c = new PacketCursor(Buffer.from([0xfa, 0xfc, 0x34, 0x12, 0xfd, 1, 2, 3, 0xfe, 1, 0, 0, 0, 0, 0, 0x20, 0, 0xfb, 0xff]));
    expect(c.lenencInt()).toBe(0xfa);
    expect(c.lenencInt()).toBe(0x1234);
    expect(c.lenencInt()).toBe(0x030201);
    expect(c.lenencInt()).toBe(2n ** 53n + 1n);
    expect(c.lenencInt()).toBeNull();
    expect(() => c.lenencInt()).toThrow(/Malformed packet/);
    const refused = (() => {
      try {
        new PacketCursor(Buffer.from([0xff])).lenencInt();
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(InternalError);
    expect(refused).not.toBeInstanceOf(DataError);
    expect((refused as InternalError).errno).toBe(2027);
  });
});
