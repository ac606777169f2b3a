export { WireConnection, type WireQueryOptions } from './connection/wire-connection.js';
export type { PreparedCommands, PreparedStatement } from './connection/prepared.js';
export type { WireOptions, WireTlsOptions, TlsMode } from './connection/options.js';
export { resolveTlsMode } from './connection/options.js';
export type { WireQueryResponse, WireResultSet } from './connection/query-response.js';
export { PacketFramer, framePayload, MAX_PACKET_PAYLOAD, type Packet } from './protocol/packet-framer.js';
export { PacketCursor } from './protocol/packet-cursor.js';
export {
  parseHandshake,
  parseOk,
  parseEof,
  parseErr,
  parseColumnDefinition,
  type ServerHandshake,
} from './protocol/server-messages.js';
export { SUPPORTED_AUTH_PLUGINS } from './auth/authenticate.js';
export { nativePasswordScramble, cachingSha2Scramble, rsaEncryptPassword } from './auth/scramble.js';
export { ed25519Sign } from './auth/ed25519.js';
export { CLIENT_NAME, CLIENT_VERSION } from './version.js';

import { WireConnection } from './connection/wire-connection.js';
import type { WireOptions } from './connection/options.js';

/** Opens a MySQL-protocol session (TCP or Unix socket, TLS per policy, login, session setup). */
export function connectWire(options: WireOptions): Promise<WireConnection> {
  return WireConnection.connect(options);
}
