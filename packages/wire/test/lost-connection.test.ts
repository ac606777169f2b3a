import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InterfaceError, OperationalError } from '@s2/base';
import { connectWire, type WireConnection } from '@s2/wire';
import { pollUntil, testServer } from '@s2/testing/vitest';
import { open, rows, serverOptions } from './support/server.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

/**
 * Sessions whose connection goes away while the client is writing: a LOCAL INFILE upload, or
 * a statement written to a connection the server already reset. The failures come from a TCP
 * proxy in front of the test server.
 */
let admin: WireConnection;
let proxy: TcpProxy;
beforeAll(async () => {
  admin = await open();
  await (await admin.query('CREATE TABLE IF NOT EXISTS lost_conn (id INT, v VARCHAR(100))')).drain();
});
afterAll(async () => {
  await (await admin.query('DROP TABLE IF EXISTS lost_conn')).drain();
  await admin.close();
});
afterEach(async () => {
  await proxy?.close();
});

async function viaProxy(): Promise<WireConnection> {
  const info = testServer();
  proxy = await startTcpProxy({ host: info.host, port: info.port });
  return connectWire(serverOptions('root', { host: '127.0.0.1', port: proxy.port, localInfile: true, tls: { mode: 'disabled' } }));
}

/** Rows of `id\tv` lines, 64 KiB at a time, far more than the test lets through. */
async function* endlessRows(): AsyncGenerator<string> {
  const line = (i: number) => `${i}\tvalue-${i}\n`;
  for (let chunk = 0; chunk < 100_000; chunk++) {
    let text = '';
    for (let i = 0; text.length < 65_536; i++) text += line(chunk * 10_000 + i);
    yield text;
  }
}

/** Calls `cut` once this many bytes of the client's upload went through the proxy. */
function cutAfterUpload(bytes: number, cut: () => void): void {
  let seen = 0;
  proxy.onClientData = (chunk) => {
    seen += chunk.length;
    if (seen >= bytes) {
      proxy.onClientData = null;
      cut();
    }
    return true;
  };
}

const LOAD = "LOAD DATA LOCAL INFILE ':stream:' INTO TABLE lost_conn";

describe('a LOCAL INFILE upload whose connection goes away', () => {
  it('a server that closes its side and stops reading fails the upload at once with 2013 (no wait for a drain that never comes)', async () => {
    const conn = await viaProxy();
    cutAfterUpload(1 << 20, () => proxy.stopReadingAll());
    const loading = conn.query(LOAD, { infile: endlessRows() }).catch((e: unknown) => e);
    // The server's FIN comes once the upload is backed up in the client's own write buffer:
    // then only the FIN itself can end the wait, no 'drain' and no 'close' ever comes.
    const socket = (conn as unknown as { socket: Socket }).socket;
    expect(await pollUntil(() => socket.writableNeedDrain)).toBe(true);
    proxy.halfCloseAll();
    const err = await loading;
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).errno).toBe(2013);
    expect(conn.isOpen).toBe(false);
    conn.destroy();
  });

  it('a reset mid-upload is OperationalError 2013, not the InterfaceError of a connection the user closed', async () => {
    const conn = await viaProxy();
    cutAfterUpload(1 << 20, () => proxy.resetAll());
    const err = await conn.query(LOAD, { infile: endlessRows() }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(InterfaceError);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).errno).toBe(2013);
  });

  it('a session killed on the server mid-upload fails with 2013', async () => {
    const conn = await open({ localInfile: true });
    const loading = conn.query(LOAD, { infile: endlessRows() }).catch((e: unknown) => e);
    const uploading = async () =>
      Number(
        (await rows(admin, `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ${conn.connectionId} AND INFO LIKE 'LOAD DATA LOCAL%'`))[0][0],
      ) > 0;
    expect(await pollUntil(uploading)).toBe(true);
    await (await admin.query(`KILL CONNECTION ${conn.connectionId}`)).drain();
    const err = await loading;
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).errno).toBe(2013);
  });

  it('close() after a completed upload still ends quietly (the server closing its side then is no error)', async () => {
    const conn = await viaProxy();
    const r = await conn.query(LOAD, { infile: '1\ta\n2\tb\n' });
    expect(r.current.status?.affectedRows).toBe(2);
    await conn.close();
    expect(conn.isOpen).toBe(false);
    await expect(conn.query('SELECT 1')).rejects.toBeInstanceOf(InterfaceError);
  });
});

describe('a statement written to a connection the server already reset', () => {
  it('fails with 2006, nothing of it counted as sent, when the write itself was refused', async () => {
    const conn = await viaProxy();
    const before = conn.commandsSent;
    // The reset reaches the client's kernel at once on loopback; the client has not read it yet.
    proxy.resetAll();
    const err = await conn.query("INSERT INTO lost_conn VALUES (1, 'never')").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).errno).toBe(2006);
    expect((err as Error).message).toMatch(/nothing of the command was sent/);
    expect(conn.commandsSent).toBe(before);
    expect(conn.isOpen).toBe(false);
  });

  it('statements written behind a running one and held in the corked batch when the reset came are uncounted, the running one is 2013', async () => {
    const conn = await viaProxy();
    const before = conn.commandsSent;
    // The write-ahead batch is uncorked by an immediate queued behind this one: the reset
    // lands after the statements were written and before the batch goes.
    const beforeUncork = new Promise((r) => setImmediate(r));
    const running = conn.query('SELECT SLEEP(0.3)', { pipelined: true }).catch((e: unknown) => e);
    const behind = [1, 2].map((i) => conn.query(`INSERT INTO lost_conn VALUES (${i}, 'behind')`, { pipelined: true }).catch((e: unknown) => e));
    await beforeUncork;
    proxy.resetAll();
    const [first, ...rest] = await Promise.all([running, ...behind]);
    expect(first).toMatchObject({ errno: 2013 });
    for (const err of rest) expect(err).toMatchObject({ errno: 2006, message: expect.stringMatching(/nothing of the command was sent/) });
    expect(conn.commandsSent).toBe(before + 1);
  });

  it('a statement whose bytes left before the server closed is 2013 and counted as sent', async () => {
    const conn = await viaProxy();
    const before = conn.commandsSent;
    proxy.onClientData = (_chunk, link) => {
      link.client.destroy();
      return false;
    };
    const err = await conn.query('SELECT 1').catch((e: unknown) => e);
    expect(err).toMatchObject({ errno: 2013 });
    expect(conn.commandsSent).toBe(before + 1);
  });
});
