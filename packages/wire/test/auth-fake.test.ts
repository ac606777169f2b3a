import { createHash, generateKeyPairSync, privateDecrypt, constants, createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OperationalError } from '@s2/base';
import {
  errPacket,
  FAKE_SERVER_CAPABILITIES,
  handshakePacket,
  okPacket,
  parseClientHandshake,
  startFakeMysqlServer,
  type FakeServer,
  type FakeSession,
} from '@s2/testing';
import { cachingSha2Scramble, connectWire, ed25519Sign, nativePasswordScramble } from '@s2/wire';

const SALT = Buffer.from('ABCDEFGHIJKLMNOPQRST');
const PASSWORD = 'sésame-🔑';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();

function xorSalt(buf: Buffer): Buffer {
  return Buffer.from(buf.map((b, i) => b ^ SALT[i % 20]));
}

/** Server side of RSA password exchange: decrypt and undo the salt mask. */
function decryptPassword(encrypted: Buffer): string {
  const plain = xorSalt(privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, encrypted));
  return plain.subarray(0, plain.length - 1).toString('utf8');
}

function expectedSha2(password: string): Buffer {
  const p1 = createHash('sha256').update(password).digest();
  const p2 = createHash('sha256').update(createHash('sha256').update(p1).digest()).update(SALT).digest();
  return Buffer.from(p1.map((b, i) => b ^ p2[i]));
}

let server: FakeServer | null = null;
afterEach(async () => {
  // A scripted `expect` that failed inside the fake server surfaces here, not as a vague connect error.
  const scriptErrors = server?.errors ?? [];
  await server?.close();
  server = null;
  expect(scriptErrors).toEqual([]);
});

async function withServer(plugin: string, script: (s: FakeSession) => Promise<void>) {
  server = await startFakeMysqlServer(async (s) => {
    s.send(handshakePacket({ salt: SALT, authPlugin: plugin }));
    await script(s);
  });
  return clientOptions(server);
}

/** How the tests log in to a fake server: plaintext, no session setup beyond the defaults. */
function clientOptions(fake: FakeServer) {
  return {
    host: fake.host,
    port: fake.port,
    user: 'alice',
    password: PASSWORD,
    tls: { mode: 'disabled' as const },
    enableExtendedDataTypes: false,
    autocommit: null,
  };
}

/** After login the client sends SET statements; answer them all with OK. */
async function answerSetup(s: FakeSession) {
  for (;;) {
    const p = await s.read();
    if (!p) return;
    if (p.payload[0] === 0x01) return s.close();
    s.send(okPacket(), 1);
  }
}

describe('authentication against a scripted server', () => {
  it('caching_sha2_password fast path sends the SHA-256 scramble', async () => {
    const seen: Buffer[] = [];
    const opts = await withServer('caching_sha2_password', async (s) => {
      const hs = parseClientHandshake((await s.read())!.payload);
      seen.push(hs.authResponse);
      expect(hs.authPlugin).toBe('caching_sha2_password');
      s.send(Buffer.from([0x01, 0x03]));
      s.send(okPacket());
      await answerSetup(s);
    });
    const conn = await connectWire(opts);
    await conn.close();
    expect(seen[0].equals(expectedSha2(PASSWORD))).toBe(true);
    expect(cachingSha2Scramble(Buffer.from(PASSWORD), SALT).equals(expectedSha2(PASSWORD))).toBe(true);
  });

  it('caching_sha2_password full auth over plain TCP requests the RSA key and sends the encrypted password', async () => {
    const received: string[] = [];
    const opts = await withServer('caching_sha2_password', async (s) => {
      await s.read();
      s.send(Buffer.from([0x01, 0x04]));
      const req = (await s.read())!;
      expect([...req.payload]).toEqual([0x02]);
      s.send(Buffer.concat([Buffer.from([0x01]), Buffer.from(PUBLIC_PEM)]));
      received.push(decryptPassword((await s.read())!.payload));
      s.send(okPacket());
      await answerSetup(s);
    });
    const conn = await connectWire(opts);
    await conn.close();
    expect(received).toEqual([PASSWORD]);
  });

  it('caching_sha2_password full auth uses a configured server key without asking for it', async () => {
    const received: string[] = [];
    const opts = await withServer('caching_sha2_password', async (s) => {
      await s.read();
      s.send(Buffer.from([0x01, 0x04]));
      received.push(decryptPassword((await s.read())!.payload));
      s.send(okPacket());
      await answerSetup(s);
    });
    const conn = await connectWire({ ...opts, serverPublicKey: PUBLIC_PEM });
    await conn.close();
    expect(received).toEqual([PASSWORD]);
  });

  it('a pinned serverPublicKey is used whatever key the server sends (a man-in-the-middle cannot substitute its own)', async () => {
    const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const attackerPem = attacker.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    for (const plugin of ['caching_sha2_password', 'sha256_password']) {
      const received: string[] = [];
      const opts = await withServer(plugin, async (s) => {
        const hs = parseClientHandshake((await s.read())!.payload);
        if (plugin === 'sha256_password') {
          // The pinned key encrypts the password in the handshake response: no key is asked for.
          received.push(decryptPassword(hs.authResponse));
        } else {
          s.send(Buffer.concat([Buffer.from([0x01]), Buffer.from(attackerPem)]));
          received.push(decryptPassword((await s.read())!.payload));
        }
        s.send(okPacket());
        await answerSetup(s);
      });
      await (await connectWire({ ...opts, serverPublicKey: PUBLIC_PEM })).close();
      await server?.close();
      server = null;
      expect(received).toEqual([PASSWORD]);
    }
  });

  it('caching_sha2_password full auth over a secure channel (Unix socket) sends the password itself', async () => {
    const received: Buffer[] = [];
    const socketPath = join(mkdtempSync(join(tmpdir(), 's2-fake-')), 'mysqld.sock');
    server = await startFakeMysqlServer(
      async (s) => {
        s.send(handshakePacket({ salt: SALT, authPlugin: 'caching_sha2_password' }));
        await s.read();
        s.send(Buffer.from([0x01, 0x04]));
        received.push((await s.read())!.payload);
        s.send(okPacket());
        await answerSetup(s);
      },
      { socketPath },
    );
    const conn = await connectWire({ socketPath, user: 'alice', password: PASSWORD, enableExtendedDataTypes: false, autocommit: null });
    await conn.close();
    expect(received[0].toString('utf8')).toBe(`${PASSWORD}\0`);
  });

  it('a server that never sends its handshake hits the connect timeout (2003)', async () => {
    server = await startFakeMysqlServer(async (s) => {
      await s.read();
    });
    const err = await connectWire({ host: server.host, port: server.port, user: 'u', connectTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).errno).toBe(2003);
    // The message names the deadline that fired: ours, not the 10 s default (no wall-clock bound needed).
    expect((err as Error).message).toMatch(/timed out after 300 ms/);
  });

  it('sha256_password over plain TCP asks for the key (0x01) then sends RSA', async () => {
    const received: string[] = [];
    const opts = await withServer('sha256_password', async (s) => {
      const hs = parseClientHandshake((await s.read())!.payload);
      expect([...hs.authResponse]).toEqual([0x01]);
      s.send(Buffer.concat([Buffer.from([0x01]), Buffer.from(PUBLIC_PEM)]));
      received.push(decryptPassword((await s.read())!.payload));
      s.send(okPacket());
      await answerSetup(s);
    });
    await (await connectWire(opts)).close();
    expect(received).toEqual([PASSWORD]);
  });

  it('auth switch to mysql_native_password uses the new nonce', async () => {
    const nonce = Buffer.from('zyxwvutsrqponmlkjihg');
    const got: Buffer[] = [];
    const opts = await withServer('caching_sha2_password', async (s) => {
      await s.read();
      s.send(Buffer.concat([Buffer.from([0xfe]), Buffer.from('mysql_native_password\0'), nonce, Buffer.from([0])]));
      got.push((await s.read())!.payload);
      s.send(okPacket());
      await answerSetup(s);
    });
    await (await connectWire(opts)).close();
    expect(got[0].equals(nativePasswordScramble(Buffer.from(PASSWORD), nonce))).toBe(true);
  });

  // A nonce ending in 0 is MariaDB's 1-in-256 case: it has no terminator, so the 0 is signed too.
  it.each([
    ['ending in 9', 9],
    ['ending in 0', 0],
  ])('auth switch to client_ed25519 signs the whole 32-byte nonce (%s)', async (_, last) => {
    const nonce = Buffer.alloc(32, 9);
    nonce[31] = last;
    const got: Buffer[] = [];
    const opts = await withServer('mysql_native_password', async (s) => {
      await s.read();
      s.send(Buffer.concat([Buffer.from([0xfe]), Buffer.from('client_ed25519\0'), nonce]));
      got.push((await s.read())!.payload);
      s.send(okPacket());
      await answerSetup(s);
    });
    await (await connectWire(opts)).close();
    expect(got[0].equals(ed25519Sign(Buffer.from(PASSWORD), nonce))).toBe(true);
  });

  it('ed25519 signatures match node:crypto for 32-byte seeds', () => {
    const seed = Buffer.alloc(32, 3);
    const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    const msg = Buffer.from('nonce to sign');
    // MariaDB hashes the password itself as the seed; for a 32-byte "password" this is RFC 8032.
    expect(ed25519Sign(seed, msg).equals(sign(null, msg, key))).toBe(true);
  });

  it('mysql_clear_password is refused without TLS', async () => {
    const opts = await withServer('mysql_native_password', async (s) => {
      await s.read();
      s.send(Buffer.concat([Buffer.from([0xfe]), Buffer.from('mysql_clear_password\0')]));
      await s.read();
    });
    await expect(connectWire(opts)).rejects.toMatchObject({ errno: 2061 });
  });

  it('mysql_clear_password sends the password when explicitly allowed', async () => {
    const got: string[] = [];
    const opts = await withServer('mysql_native_password', async (s) => {
      await s.read();
      s.send(Buffer.concat([Buffer.from([0xfe]), Buffer.from('mysql_clear_password\0')]));
      got.push((await s.read())!.payload.toString('utf8'));
      s.send(okPacket());
      await answerSetup(s);
    });
    await (await connectWire({ ...opts, allowCleartextPassword: true })).close();
    expect(got).toEqual([`${PASSWORD}\0`]);
  });

  it('an unknown plugin in an auth switch is OperationalError 2059', async () => {
    const opts = await withServer('mysql_native_password', async (s) => {
      await s.read();
      s.send(Buffer.concat([Buffer.from([0xfe]), Buffer.from('auth_gssapi_client\0')]));
      await s.read();
    });
    const err = await connectWire(opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).errno).toBe(2059);
  });

  it('a wrong password surfaces the server error (1045)', async () => {
    const opts = await withServer('mysql_native_password', async (s) => {
      await s.read();
      s.send(errPacket(1045, '28000', "Access denied for user 'alice'"));
    });
    await expect(connectWire(opts)).rejects.toMatchObject({ errno: 1045, sqlstate: '28000' });
  });

  it('a server that closes during auth gives OperationalError 2013, not a hang', async () => {
    const opts = await withServer('mysql_native_password', async (s) => {
      await s.read();
      s.destroy();
    });
    const err = await connectWire(opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).errno).toBe(2013);
  });

  it('sends connection attributes, with built-ins winning over user ones', async () => {
    const attrs: Record<string, string>[] = [];
    const opts = await withServer('mysql_native_password', async (s) => {
      attrs.push(parseClientHandshake((await s.read())!.payload).attributes);
      s.send(okPacket());
      await answerSetup(s);
    });
    await (await connectWire({ ...opts, programName: 'tests', connAttrs: { team: 'db', _client_name: 'spoof' } })).close();
    expect(attrs[0]).toMatchObject({ _client_name: 'SingleStoreDB TypeScript Client', program_name: 'tests', team: 'db', _pid: String(process.pid) });
  });
});

describe('CLIENT_SESSION_TRACK is asked for', () => {
  const SESSION_TRACK = 0x800000;
  // A server offering it, under the version string SingleStoreDB or MySQL would show, or MariaDB's.
  const asked = async (serverVersion: string, sessionTrack?: boolean): Promise<boolean> => {
    let flags = 0;
    await server?.close();
    server = await startFakeMysqlServer(async (s) => {
      s.send(handshakePacket({ salt: SALT, serverVersion, capabilities: FAKE_SERVER_CAPABILITIES | SESSION_TRACK }));
      flags = parseClientHandshake((await s.read())!.payload).flags;
      s.send(okPacket());
      await answerSetup(s);
    });
    const opts = clientOptions(server);
    await (await connectWire({ ...opts, sessionTrack })).close();
    return (flags & SESSION_TRACK) !== 0;
  };

  it('of MariaDB by default, not of a server showing a MySQL version (SingleStoreDB does), unless sessionTrack says so', async () => {
    expect(await asked('5.5.5-10.11.19-MariaDB-0+deb12u1')).toBe(true);
    expect(await asked('5.5.5-10.11.19-MariaDB-0+deb12u1', false)).toBe(false);
    expect(await asked('5.7.32')).toBe(false);
    expect(await asked('8.0.32')).toBe(false);
    expect(await asked('8.0.32', true)).toBe(true);
  });
});
