import { BINARY_CHARSET, ExtendedType, FieldType, serverError, type ColumnDefinition, type DatabaseError, type StatementStatus } from '@s2/base';
import { malformed } from './malformed.js';
import { PacketCursor } from './packet-cursor.js';

/** Parsed initial handshake (protocol v10). */
export interface ServerHandshake {
  protocolVersion: number;
  serverVersion: string;
  connectionId: number;
  /** Auth data (salt / nonce), normally 20 bytes. */
  authData: Buffer;
  capabilities: number;
  collation: number;
  serverStatus: number;
  authPlugin: string;
}

const CLIENT_SECURE_CONNECTION = 0x8000;
const CLIENT_PLUGIN_AUTH = 0x80000;

export function parseHandshake(payload: Uint8Array): ServerHandshake {
  const c = new PacketCursor(payload);
  const protocolVersion = c.u8('protocol version');
  if (protocolVersion === 0xff) throw parseErr(payload);
  if (protocolVersion !== 10) throw malformed(`unsupported handshake protocol version ${protocolVersion}`);
  const serverVersion = c.latin1Nul('server version');
  const connectionId = c.u32('connection id');
  const salt1 = c.bytes(8, 'auth data');
  c.skip(1, 'filler');
  let capabilities = c.u16('capability flags');
  // Every server we can talk to speaks protocol 4.1, whose handshake always carries the fields
  // below; a packet that stops early is cut off, not an old server, so every field is required.
  const collation = c.u8('collation');
  const serverStatus = c.u16('status');
  capabilities |= c.u16('capability flags') << 16;
  capabilities >>>= 0;
  const authLen = c.u8('auth data length');
  c.skip(10, 'reserved');
  let salt2: Uint8Array = new Uint8Array(0);
  let authPlugin = '';
  if (capabilities & CLIENT_SECURE_CONNECTION) {
    salt2 = c.bytes(Math.max(12, authLen - 9), 'auth data');
    c.skip(1, 'auth data terminator');
  }
  if (capabilities & CLIENT_PLUGIN_AUTH) authPlugin = c.latin1Nul('auth plugin name');
  return {
    protocolVersion,
    serverVersion,
    connectionId,
    authData: Buffer.concat([salt1, salt2]),
    capabilities,
    collation,
    serverStatus,
    authPlugin,
  };
}

/**
 * An OK packet. `sessionTrack`: CLIENT_SESSION_TRACK is in effect, so the info is a
 * length-prefixed string that a block of session state changes may follow (see
 * reportedSchema); without it the info is the rest of the packet.
 */
export function parseOk(payload: Uint8Array, sessionTrack = false): StatementStatus {
  const c = new PacketCursor(payload, 1);
  const affectedRows = c.lenencInt('affected rows') ?? 0;
  const insertId = c.lenencInt('last insert id') ?? 0;
  const serverStatus = c.remaining >= 2 ? c.u16('status') : 0;
  const warningCount = c.remaining >= 2 ? c.u16('warnings') : 0;
  // An OK with nothing after the counts (most of them) carries no info in either form.
  const info = sessionTrack ? (c.remaining > 0 ? c.lenencString('info') : '') : okInfo(c.rest());
  return { affectedRows, insertId, serverStatus, warningCount, info };
}

/**
 * The OK packet's human-readable info ("Records: 2  Duplicates: 0  Warnings: 0") without
 * CLIENT_SESSION_TRACK. The protocol documents it as the rest of the packet then, but MariaDB
 * and MySQL write it with a length prefix either way: a one-byte prefix that is exactly the
 * length of what follows is taken as one, so it does not show up as a stray first character.
 */
function okInfo(rest: Uint8Array): string {
  if (rest.length === 0) return '';
  const body = rest[0] < 0xfb && rest[0] === rest.length - 1 ? rest.subarray(1) : rest;
  return new TextDecoder().decode(body);
}

export function parseEof(payload: Uint8Array): { warningCount: number; serverStatus: number } {
  const c = new PacketCursor(payload, 1);
  if (c.remaining < 4) return { warningCount: 0, serverStatus: 0 };
  const warningCount = c.u16('warnings');
  const serverStatus = c.u16('status');
  return { warningCount, serverStatus };
}

/** ERR packet → the typed error of the server code table (errno, SQLSTATE and message kept). */
export function parseErr(payload: Uint8Array): DatabaseError {
  const c = new PacketCursor(payload, 1);
  const errno = c.u16('error code');
  let sqlstate: string | null = null;
  if (c.remaining >= 6 && payload[c.pos] === 0x23 /* '#' */) {
    c.skip(1);
    sqlstate = new TextDecoder('latin1').decode(c.bytes(5, 'sqlstate'));
  }
  const message = new TextDecoder().decode(c.rest());
  return serverError(errno, message, sqlstate);
}

export function isOk(p: Uint8Array): boolean {
  return p[0] === 0x00 && p.length >= 7;
}
export function isErr(p: Uint8Array): boolean {
  return p[0] === 0xff;
}
/** Classic EOF; with CLIENT_DEPRECATE_EOF the 0xFE terminator is an OK packet of any size below 16 MiB. */
export function isEof(p: Uint8Array, deprecateEof = false): boolean {
  return p[0] === 0xfe && (deprecateEof ? p.length < 0xffffff : p.length < 9);
}

/** Column definition (protocol 4.1) plus SingleStore's extended-type bytes. */
export function parseColumnDefinition(payload: Uint8Array): ColumnDefinition {
  const c = new PacketCursor(payload);
  const catalog = c.lenencString('catalog');
  const schema = c.lenencString('schema');
  const table = c.lenencString('table');
  const orgTable = c.lenencString('org_table');
  const name = c.lenencString('name');
  const orgName = c.lenencString('org_name');
  const fixedLength = c.lenencLength('fixed-fields length');
  const fixedStart = c.pos;
  // The length prefix promises the fixed fields (12 bytes) and any extension bytes after them;
  // fewer bytes than promised means a cut packet even where the fields we read happen to fit.
  if (fixedLength < 12) throw malformed(`column definition fixed fields are ${fixedLength} bytes, expected at least 12`);
  if (c.remaining < fixedLength) throw malformed('column definition fixed fields run past the end of the packet');
  const charset = c.u16('charset');
  let length = c.u32('column length');
  const rawTypeCode = c.u8('type');
  const flags = c.u16('flags');
  const decimals = c.u8('decimals');
  let typeCode = rawTypeCode;
  let extendedType: number = ExtendedType.NONE;
  let vectorElementType = 0;
  let vectorDimension = 0;
  if (fixedLength > 12) {
    c.pos = fixedStart + 12;
    extendedType = c.u8('extended type');
    if (extendedType === ExtendedType.BSON) {
      typeCode = FieldType.BSON;
    } else if (extendedType === ExtendedType.VECTOR) {
      vectorDimension = c.u32('vector dimension');
      vectorElementType = c.u8('vector element type');
      if (vectorElementType < 1 || vectorElementType > 7) {
        throw malformed(`unrecognized vector element type ${vectorElementType} for column '${name}'`);
      }
      length = vectorDimension;
      typeCode = (charset === BINARY_CHARSET ? 3000 : 2000) + vectorElementType;
    } else if (extendedType !== ExtendedType.NONE) {
      throw malformed(`unrecognized extended data type ${extendedType} for column '${name}'`);
    }
  }
  return {
    catalog,
    schema,
    table,
    orgTable,
    name,
    orgName,
    charset,
    length,
    typeCode,
    rawTypeCode,
    flags,
    decimals,
    extendedType,
    vectorElementType,
    vectorDimension,
  };
}
