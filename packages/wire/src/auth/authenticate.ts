import { OperationalError } from '@s2/base';
import { malformed } from '../protocol/malformed.js';
import { PacketCursor } from '../protocol/packet-cursor.js';
import { parseErr } from '../protocol/server-messages.js';
import { ed25519Sign } from './ed25519.js';
import { cachingSha2Scramble, nativePasswordScramble, rsaEncryptPassword } from './scramble.js';

/** What the auth exchange needs from the connection: packets in and out, and whether TLS is on. */
export interface AuthChannel {
  send(payload: Uint8Array): void;
  read(): Promise<Buffer>;
  /** TLS (or a Unix socket): the password may travel in clear. */
  secure: boolean;
}

export interface AuthCredentials {
  password: Uint8Array;
  /** PEM of the server's RSA key, to skip the key request round trip on plain TCP. */
  serverPublicKey?: string;
  /** Allow mysql_clear_password without TLS (off: refuse, since the password would be visible). */
  allowCleartextPassword?: boolean;
}

const CR_AUTH_PLUGIN_CANNOT_LOAD = 2059;
const CR_AUTH_PLUGIN_ERR = 2061;
const NUL = Buffer.from([0]);

export const SUPPORTED_AUTH_PLUGINS = ['mysql_native_password', 'caching_sha2_password', 'sha256_password', 'mysql_clear_password', 'client_ed25519'] as const;

/** The response sent inside the handshake response for the server's advertised plugin. */
export function initialAuthResponse(plugin: string, creds: AuthCredentials, salt: Uint8Array, secure: boolean): { plugin: string; data: Uint8Array } {
  const pw = creds.password;
  switch (plugin) {
    case '':
    case 'mysql_native_password':
      return { plugin: 'mysql_native_password', data: nativePasswordScramble(pw, salt) };
    case 'caching_sha2_password':
      return { plugin, data: cachingSha2Scramble(pw, salt) };
    case 'sha256_password':
      if (secure) return { plugin, data: Buffer.concat([pw, NUL]) };
      // A pinned key encrypts at once: asking the server for its key would let whoever answers
      // on an unencrypted connection choose the key, and read the password.
      if (pw.length && creds.serverPublicKey) return { plugin, data: rsaEncryptPassword(pw, salt, creds.serverPublicKey) };
      return { plugin, data: Buffer.from([pw.length ? 0x01 : 0x00]) };
    default:
      // Anything else is answered after the server's auth-switch request.
      return { plugin, data: Buffer.alloc(0) };
  }
}

function responseFor(plugin: string, salt: Uint8Array, creds: AuthCredentials, secure: boolean): Uint8Array {
  const pw = creds.password;
  switch (plugin) {
    case 'mysql_native_password':
      return nativePasswordScramble(pw, salt);
    case 'caching_sha2_password':
      return cachingSha2Scramble(pw, salt);
    case 'sha256_password':
      if (secure) return Buffer.concat([pw, NUL]);
      if (!pw.length) return NUL;
      if (creds.serverPublicKey) return rsaEncryptPassword(pw, salt, creds.serverPublicKey);
      return Buffer.from([0x01]);
    case 'mysql_clear_password':
      if (!secure && !creds.allowCleartextPassword) {
        throw new OperationalError(
          'The server asked for the password in clear text (mysql_clear_password) over an unencrypted connection; enable TLS, or set allowCleartextPassword if this is intended',
          { errno: CR_AUTH_PLUGIN_ERR },
        );
      }
      return Buffer.concat([pw, NUL]);
    case 'client_ed25519':
      return ed25519Sign(pw, salt);
    default:
      throw new OperationalError(`Authentication plugin '${plugin}' not configured`, { errno: CR_AUTH_PLUGIN_CANNOT_LOAD });
  }
}

/** Runs the exchange after the handshake response until the server's OK (or a typed error). */
export async function completeAuthentication(channel: AuthChannel, plugin: string, salt: Uint8Array, creds: AuthCredentials): Promise<Buffer> {
  let current = plugin;
  let nonce = salt;
  for (;;) {
    const packet = await channel.read();
    const first = packet[0];
    if (first === 0x00) return packet;
    if (first === 0xff) throw parseErr(packet);
    if (first === 0xfe) {
      // Auth switch: new plugin name and a fresh nonce, kept whole. The scramble plugins read the
      // 20 bytes they use (the NUL the server writes after them is not one of them); MariaDB's
      // ed25519 nonce is 32 random bytes with no terminator, so a trimmed trailing 0 (one login
      // in 256) signed the wrong bytes.
      const c = new PacketCursor(packet, 1);
      current = c.latin1Nul('auth plugin name', true);
      nonce = c.rest();
      channel.send(responseFor(current, nonce, creds, channel.secure));
      continue;
    }
    if (first === 0x01) {
      await moreData(channel, current, packet, nonce, creds);
      continue;
    }
    throw malformed(`unexpected packet 0x${first?.toString(16) ?? '??'} during authentication`);
  }
}

async function moreData(channel: AuthChannel, plugin: string, packet: Buffer, nonce: Uint8Array, creds: AuthCredentials): Promise<void> {
  const pw = creds.password;
  if (plugin === 'caching_sha2_password') {
    if (packet.length === 2 && packet[1] === 0x03) return; // fast auth succeeded; OK follows
    if (packet.length === 2 && packet[1] === 0x04) {
      if (channel.secure) return channel.send(Buffer.concat([pw, NUL]));
      let pem = creds.serverPublicKey;
      if (!pem) {
        channel.send(Buffer.from([0x02]));
        const reply = await channel.read();
        if (reply[0] === 0xff) throw parseErr(reply);
        if (reply[0] !== 0x01) throw malformed('expected the server public key');
        pem = reply.subarray(1).toString('latin1');
      }
      return channel.send(rsaEncryptPassword(pw, nonce, pem));
    }
    // A public key sent without being asked for (possible after an auth switch).
    return channel.send(rsaEncryptPassword(pw, nonce, keyFor(packet, creds)));
  }
  if (plugin === 'sha256_password') {
    return channel.send(rsaEncryptPassword(pw, nonce, keyFor(packet, creds)));
  }
  throw new OperationalError(`Unexpected extra authentication data for plugin '${plugin}'`, { errno: CR_AUTH_PLUGIN_ERR });
}

/**
 * The key to encrypt the password with when the server sends one: the pinned `serverPublicKey`
 * whenever there is one. On an unencrypted connection the packet may come from a
 * man-in-the-middle, and pinning a key is how a user rules that out.
 */
function keyFor(packet: Buffer, creds: AuthCredentials): string {
  return creds.serverPublicKey ?? packet.subarray(1).toString('latin1');
}
