import { Capability } from '@s2/base';

/** Collation id sent in the handshake for a charset name (its default collation). */
export function collationIdFor(charset: string): number {
  switch (charset.toLowerCase()) {
    case 'utf8mb4': return 45;
    case 'utf8':
    case 'utf8mb3': return 33;
    case 'latin1': return 8;
    case 'binary': return 63;
    case 'ascii': return 11;
    default: return 45;
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
