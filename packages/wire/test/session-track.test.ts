import { describe, expect, it } from 'vitest';
import { lenencStr, okPacket } from '@s2/testing';
import { parseOk } from '@s2/wire';
import { reportedSchema, SESSION_STATE_CHANGED } from '../src/protocol/session-state.js';

/**
 * OK packets under CLIENT_SESSION_TRACK: a length-prefixed info, then (with
 * SERVER_SESSION_STATE_CHANGED) a block of typed entries, of which the schema entry (type 1)
 * names the session's new database.
 */
const SCHEMA = 1;
const SYSTEM_VARIABLE = 0;
const TRANSACTION_STATE = 5;

function entry(type: number, ...fields: string[]): Buffer {
  return Buffer.concat([Buffer.from([type]), lenencStr(Buffer.concat(fields.map((f) => lenencStr(f))))]);
}

/** An OK packet (0x00, or 0xFE for an end of rows) whose status says the session state changed. */
function trackedOk(info: string, entries: Buffer[], header = 0x00): Buffer {
  const head = okPacket({ header, affectedRows: 3, status: 0x0002 | SESSION_STATE_CHANGED });
  return Buffer.concat([head, lenencStr(info), lenencStr(Buffer.concat(entries))]);
}

// As MariaDB 10.11 sent them (session_track_transaction_info = STATE, then SET STATEMENT).
const INSERT_IN_TRANSACTION = Buffer.from(
  '00030003400000265265636f7264733a203320204475706c6963617465733a203020205761726e696e67733a20300b050908545f5f5f575f5f5f',
  'hex',
);
const UPDATE_WITH_SET_STATEMENT = Buffer.from(
  '0003002240000028526f7773206d6174636865643a203320204368616e6765643a203320205761726e696e67733a20301300110974696d655f7a6f6e65062b30313a3030',
  'hex',
);

describe('OK packets with session tracking', () => {
  it('reads the info in front of a session state block, as MariaDB sends it for a multi-row INSERT and an UPDATE', () => {
    expect(parseOk(INSERT_IN_TRANSACTION, true)).toMatchObject({ affectedRows: 3, info: 'Records: 3  Duplicates: 0  Warnings: 0' });
    expect(parseOk(UPDATE_WITH_SET_STATEMENT, true)).toMatchObject({ affectedRows: 3, info: 'Rows matched: 3  Changed: 3  Warnings: 0' });
    // Neither reports a database.
    expect(reportedSchema(INSERT_IN_TRANSACTION)).toBeUndefined();
    expect(reportedSchema(UPDATE_WITH_SET_STATEMENT)).toBeUndefined();
  });

  it('reads the same info either way when no state block follows it, and none after bare counts', () => {
    const plain = Buffer.concat([okPacket({ affectedRows: 2 }), lenencStr('Records: 2  Duplicates: 0  Warnings: 0')]);
    expect(parseOk(plain, true).info).toBe('Records: 2  Duplicates: 0  Warnings: 0');
    expect(parseOk(plain, false).info).toBe('Records: 2  Duplicates: 0  Warnings: 0');
    expect(parseOk(okPacket(), true).info).toBe('');
    const long = 'x'.repeat(300);
    expect(parseOk(Buffer.concat([okPacket(), lenencStr(long)]), true).info).toBe(long);
  });

  it("takes the schema entry's name, the last one of several, among other entries", () => {
    const ok = trackedOk('', [
      entry(SYSTEM_VARIABLE, 'autocommit', 'ON'),
      entry(SCHEMA, 'first'),
      entry(TRANSACTION_STATE, '________'),
      entry(SCHEMA, 'naïve_db'),
    ]);
    expect(reportedSchema(ok)).toBe('naïve_db');
    expect(parseOk(ok, true).info).toBe('');
  });

  it('reads an end of rows (CLIENT_DEPRECATE_EOF) like an OK', () => {
    expect(reportedSchema(trackedOk('', [entry(SCHEMA, 'other')], 0xfe))).toBe('other');
  });

  it('reports an empty name (the database was dropped) as no database', () => {
    expect(reportedSchema(trackedOk('', [entry(SCHEMA, '')]))).toBeNull();
  });

  it('refuses a state block that runs past the end of the packet', () => {
    const ok = trackedOk('', [entry(SCHEMA, 'other')]);
    expect(() => reportedSchema(ok.subarray(0, ok.length - 2))).toThrow(/Malformed packet/);
    const cut = Buffer.concat([okPacket({ status: SESSION_STATE_CHANGED }), lenencStr(''), Buffer.from([0x20, SCHEMA, 0x06])]);
    expect(() => reportedSchema(cut)).toThrow(/Malformed packet/);
  });
});
