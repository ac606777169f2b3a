import { Capability } from '@s2/base';

/** Collation id sent in the handshake for a charset name (its default collation). */
export function collationIdFor(charset: string): number {
  switch (charset.toLowerCase()) {
    case 'utf8mb4':
      return 45;
    case 'utf8':
    case 'utf8mb3':
      return 33;
    case 'latin1':
      return 8;
    case 'binary':
      return 63;
    case 'ascii':
      return 11;
    default:
      return 45;
  }
}

function lenenc(n: number): Buffer {
  if (n < 0xfb) return Buffer.from([n]);
  if (n < 0x10000) return Buffer.from([0xfc, n & 0xff, n >> 8]);
  if (n < 0x1000000) return Buffer.from([0xfd, n & 0xff, (n >> 8) & 0xff, n >> 16]);
  const b = Buffer.alloc(9);
  b[0] = 0xfe;
  b.writeBigUInt64LE(BigInt(n), 1);
  return b;
}

export function lenencBytes(data: Uint8Array): Buffer {
  return Buffer.concat([lenenc(data.length), data]);
}

/** The first 32 bytes of a handshake response: sent alone as the SSL request. */
export function sslRequest(flags: number, charset: number): Buffer {
  const b = Buffer.alloc(32);
  b.writeUInt32LE(flags >>> 0, 0);
  b.writeUInt32LE(0xffffff, 4);
  b[8] = charset;
  return b;
}

export interface HandshakeResponseInput {
  flags: number;
  serverCapabilities: number;
  charset: number;
  user: string;
  authData: Uint8Array;
  database: string;
  authPlugin: string;
  attributes: Record<string, string>;
}

export function handshakeResponse(input: HandshakeResponseInput): Buffer {
  const parts: Buffer[] = [sslRequest(input.flags, input.charset), Buffer.from(`${input.user}\0`, 'utf8')];
  const server = input.serverCapabilities;
  if (server & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) parts.push(lenencBytes(input.authData));
  else if (server & Capability.SECURE_CONNECTION) parts.push(Buffer.from([input.authData.length]), Buffer.from(input.authData));
  else parts.push(Buffer.from(input.authData), Buffer.from([0]));
  if (server & Capability.CONNECT_WITH_DB) parts.push(Buffer.from(`${input.database}\0`, 'utf8'));
  if (server & Capability.PLUGIN_AUTH) parts.push(Buffer.from(`${input.authPlugin}\0`, 'utf8'));
  if (server & Capability.CONNECT_ATTRS) {
    const attrs = Buffer.concat(
      Object.entries(input.attributes).flatMap(([k, v]) => [lenencBytes(Buffer.from(k, 'utf8')), lenencBytes(Buffer.from(v, 'utf8'))]),
    );
    parts.push(lenencBytes(attrs));
  }
  return Buffer.concat(parts);
}

export function commandPacket(command: number, body: Uint8Array | string = ''): Buffer {
  const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const out = Buffer.allocUnsafe(1 + data.length);
  out[0] = command;
  out.set(data, 1);
  return out;
}

/** Largest payload of one packet; a payload of this length or more continues in the next. */
const MAX_PAYLOAD = 0xffffff;

function writeHeader(out: Buffer, at: number, length: number, seq: number): void {
  out[at] = length & 0xff;
  out[at + 1] = (length >> 8) & 0xff;
  out[at + 2] = length >> 16;
  out[at + 3] = seq & 0xff;
}

/**
 * A command as it goes on the wire: packet header(s) with sequence ids from 0, the command
 * byte and the body, in one buffer for one socket write. Text is encoded straight into it
 * (no intermediate Buffer of the SQL). A payload of 2^24 - 1 bytes or more is split into
 * packets (a payload that fills its last packet exactly is followed by an empty one):
 * `packetCount` says how many, i.e. the sequence id the server answers with.
 */
export function framedCommand(command: number, body: Uint8Array | string = ''): Buffer {
  const text = typeof body === 'string';
  const length = 1 + (text ? Buffer.byteLength(body, 'utf8') : body.length);
  if (length < MAX_PAYLOAD) {
    const out = Buffer.allocUnsafe(4 + length);
    writeHeader(out, 0, length, 0);
    out[4] = command;
    if (text) out.write(body, 5, 'utf8');
    else out.set(body, 5);
    return out;
  }
  const payload = Buffer.allocUnsafe(length);
  payload[0] = command;
  if (text) payload.write(body, 1, 'utf8');
  else payload.set(body, 1);
  const packets = Math.floor(length / MAX_PAYLOAD) + 1;
  const out = Buffer.allocUnsafe(length + 4 * packets);
  let at = 0;
  for (let i = 0; i < packets; i++) {
    const from = i * MAX_PAYLOAD;
    const size = Math.min(MAX_PAYLOAD, length - from);
    writeHeader(out, at, size, i);
    payload.copy(out, at + 4, from, from + size);
    at += 4 + size;
  }
  return out;
}

/** Packets in a buffer of whole framed packets (walks their headers). */
export function packetCount(framed: Uint8Array): number {
  let count = 0;
  for (let at = 0; at < framed.length; count++) at += 4 + (framed[at] | (framed[at + 1] << 8) | (framed[at + 2] << 16));
  return count;
}
