/**
 * Builders for server-side packets, used by the fake server to script exact byte sequences
 * (including ones MariaDB cannot produce, such as SingleStore's VECTOR column definitions).
 * Written independently of @s2/wire on purpose: the fake must not share encoding bugs with
 * the client it tests.
 */
export function lenenc(n: number): Buffer {
  if (n < 0xfb) return Buffer.from([n]);
  if (n < 0x10000) return Buffer.from([0xfc, n & 0xff, n >> 8]);
  if (n < 0x1000000) return Buffer.from([0xfd, n & 0xff, (n >> 8) & 0xff, n >> 16]);
  const b = Buffer.alloc(9);
  b[0] = 0xfe;
  b.writeBigUInt64LE(BigInt(n), 1);
  return b;
}

export function lenencStr(s: string | Uint8Array): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s);
  return Buffer.concat([lenenc(b.length), b]);
}

export interface HandshakeSpec {
  serverVersion?: string;
  connectionId?: number;
  salt?: Buffer;
  capabilities?: number;
  authPlugin?: string;
  status?: number;
}

/** Capabilities a modern server offers (without SSL unless asked). */
export const FAKE_SERVER_CAPABILITIES = 0x1 | 0x2 | 0x4 | 0x8 | 0x80 | 0x200 | 0x2000 | 0x8000 | 0x10000 | 0x20000 | 0x80000 | 0x100000 | 0x200000;

export function handshakePacket(spec: HandshakeSpec = {}): Buffer {
  const salt = spec.salt ?? Buffer.from('abcdefghijklmnopqrst');
  const caps = spec.capabilities ?? FAKE_SERVER_CAPABILITIES;
  const head = Buffer.alloc(4);
  head.writeUInt32LE(spec.connectionId ?? 42, 0);
  const tail = Buffer.alloc(2 + 1 + 2 + 2 + 1 + 10);
  let o = 0;
  tail.writeUInt16LE(caps & 0xffff, o);
  o += 2;
  tail[o++] = 45;
  tail.writeUInt16LE(spec.status ?? 2, o);
  o += 2;
  tail.writeUInt16LE(caps >>> 16, o);
  o += 2;
  tail[o++] = salt.length + 1;
  return Buffer.concat([
    Buffer.from([10]),
    Buffer.from(`${spec.serverVersion ?? '8.0.0-fake'}\0`, 'latin1'),
    head,
    salt.subarray(0, 8),
    Buffer.from([0]),
    tail,
    salt.subarray(8),
    Buffer.from([0]),
    Buffer.from(`${spec.authPlugin ?? 'mysql_native_password'}\0`, 'latin1'),
  ]);
}

export function okPacket(opts: { affectedRows?: number; insertId?: number; status?: number; warnings?: number; header?: number } = {}): Buffer {
  const tail = Buffer.alloc(4);
  tail.writeUInt16LE(opts.status ?? 2, 0);
  tail.writeUInt16LE(opts.warnings ?? 0, 2);
  return Buffer.concat([Buffer.from([opts.header ?? 0]), lenenc(opts.affectedRows ?? 0), lenenc(opts.insertId ?? 0), tail]);
}

export function errPacket(errno: number, sqlstate: string, message: string): Buffer {
  const head = Buffer.alloc(3);
  head[0] = 0xff;
  head.writeUInt16LE(errno, 1);
  return Buffer.concat([head, Buffer.from(`#${sqlstate}`, 'latin1'), Buffer.from(message, 'utf8')]);
}

export function eofPacket(status = 2, warnings = 0): Buffer {
  const b = Buffer.alloc(5);
  b[0] = 0xfe;
  b.writeUInt16LE(warnings, 1);
  b.writeUInt16LE(status, 3);
  return b;
}

export interface ColumnSpec {
  name: string;
  type: number;
  charset?: number;
  length?: number;
  flags?: number;
  decimals?: number;
  table?: string;
  /** SingleStore extension: 1 BSON, 2 VECTOR (with dimension and element type). */
  extendedType?: number;
  vectorDimension?: number;
  vectorElementType?: number;
}

export function columnDefinitionPacket(c: ColumnSpec): Buffer {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16LE(c.charset ?? 45, 0);
  fixed.writeUInt32LE(c.length ?? 255, 2);
  fixed[6] = c.type;
  fixed.writeUInt16LE(c.flags ?? 0, 7);
  fixed[9] = c.decimals ?? 0;
  let ext = Buffer.alloc(0);
  if (c.extendedType !== undefined) {
    ext = c.extendedType === 2 ? Buffer.alloc(6) : Buffer.alloc(1);
    ext[0] = c.extendedType;
    if (c.extendedType === 2) {
      ext.writeUInt32LE(c.vectorDimension ?? 0, 1);
      ext[5] = c.vectorElementType ?? 1;
    }
  }
  return Buffer.concat([
    lenencStr('def'),
    lenencStr('db'),
    lenencStr(c.table ?? 't'),
    lenencStr(c.table ?? 't'),
    lenencStr(c.name),
    lenencStr(c.name),
    lenenc(12 + ext.length),
    fixed,
    ext,
  ]);
}

export function rowPacket(values: (string | Uint8Array | null)[]): Buffer {
  return Buffer.concat(values.map((v) => (v === null ? Buffer.from([0xfb]) : lenencStr(v))));
}

/** Fields of the client's handshake response, parsed for assertions in tests. */
export interface ClientHandshake {
  flags: number;
  charset: number;
  user: string;
  authResponse: Buffer;
  database: string;
  authPlugin: string;
  attributes: Record<string, string>;
}

export function parseClientHandshake(p: Buffer): ClientHandshake {
  let o = 0;
  const flags = p.readUInt32LE(0);
  const charset = p[8];
  o = 32;
  const userEnd = p.indexOf(0, o);
  const user = p.subarray(o, userEnd).toString('utf8');
  o = userEnd + 1;
  const readLenenc = (): number => {
    const f = p[o++];
    if (f < 0xfb) return f;
    if (f === 0xfc) {
      const v = p.readUInt16LE(o);
      o += 2;
      return v;
    }
    if (f === 0xfd) {
      const v = p.readUIntLE(o, 3);
      o += 3;
      return v;
    }
    const v = Number(p.readBigUInt64LE(o));
    o += 8;
    return v;
  };
  const authLen = readLenenc();
  const authResponse = p.subarray(o, o + authLen);
  o += authLen;
  const dbEnd = p.indexOf(0, o);
  const database = p.subarray(o, dbEnd).toString('utf8');
  o = dbEnd + 1;
  const pluginEnd = p.indexOf(0, o);
  const authPlugin = p.subarray(o, pluginEnd).toString('latin1');
  o = pluginEnd + 1;
  const attributes: Record<string, string> = {};
  if (o < p.length) {
    const total = readLenenc();
    const end = o + total;
    while (o < end) {
      const kl = readLenenc();
      const k = p.subarray(o, o + kl).toString('utf8');
      o += kl;
      const vl = readLenenc();
      const v = p.subarray(o, o + vl).toString('utf8');
      o += vl;
      attributes[k] = v;
    }
  }
  return { flags, charset, user, authResponse, database, authPlugin, attributes };
}
