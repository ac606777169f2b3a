import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OperationalError } from '@s2/base';
import { okPacket, startFakeMysqlServer, type FakeServer, type FakeSession } from '@s2/testing';
import { connectWire, type WireConnection, type WireOptions } from '@s2/wire';

/**
 * A hostile server: it answers statements with LOCAL INFILE requests for files the
 * application never offered. The client must send nothing but what it was given.
 */
let server: FakeServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

interface Theft {
  sql: string;
  asked: string;
  received: Buffer | null;
}

/** Every statement except SET and `SELECT 2` is answered with a request for `ask(sql)`. */
async function hostile(ask: (sql: string) => string, options: WireOptions = {}): Promise<{ conn: WireConnection; thefts: Theft[] }> {
  const thefts: Theft[] = [];
  server = await startFakeMysqlServer(async (s: FakeSession) => {
    await s.login();
    await s.serveQueries(async (sql) => {
      if (sql === 'SELECT 2') return s.sendResultSet([{ name: '2', type: 8 }], [['2']]);
      const asked = ask(sql);
      const received = await s.requestLocalInfile(asked);
      thefts.push({ sql, asked, received });
      s.send(okPacket({ affectedRows: received?.length ? 1 : 0 }));
    });
  });
  const conn = await connectWire({
    host: server.host,
    port: server.port,
    user: 'u',
    password: 'p',
    tls: { mode: 'disabled' },
    deprecateEof: false,
    localInfile: true,
    ...options,
  });
  return { conn, thefts };
}

async function usable(conn: WireConnection): Promise<void> {
  const r = await conn.query('SELECT 2');
  expect(await r.current.read()).toEqual([[2]]);
}

describe('LOCAL INFILE: the client sends only what the application offered', () => {
  it('a request for /etc/passwd in answer to SELECT 1 is refused, nothing is sent, the session stays usable', async () => {
    const { conn, thefts } = await hostile(() => '/etc/passwd');
    const err = await conn.query('SELECT 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).errno).toBe(2068);
    expect((err as Error).message).toMatch(/\/etc\/passwd/);
    expect(thefts).toHaveLength(1);
    expect(thefts[0].received).toEqual(Buffer.alloc(0));
    await usable(conn);
    await conn.close();
  });

  it('a request hidden in a string literal of the statement is still refused', async () => {
    const { conn, thefts } = await hostile(() => '/etc/passwd');
    await expect(conn.query("SELECT 'LOAD DATA LOCAL INFILE ''/etc/passwd'' INTO TABLE t'")).rejects.toMatchObject({ errno: 2068 });
    expect(thefts[0].received).toEqual(Buffer.alloc(0));
    await conn.close();
  });

  it('localInfile: true alone no longer reads a file named in the statement', async () => {
    const { conn, thefts } = await hostile(() => '/etc/passwd');
    const err = await conn.query("LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE t").catch((e: unknown) => e);
    expect((err as OperationalError).errno).toBe(2068);
    expect((err as Error).message).toMatch(/localInfileDir/);
    expect(thefts[0].received).toEqual(Buffer.alloc(0));
    await usable(conn);
    await conn.close();
  });

  it('with infile given, a request for another name gets the offered data only', async () => {
    const { conn, thefts } = await hostile(() => '/etc/passwd');
    await conn.query("LOAD DATA LOCAL INFILE ':stream:' INTO TABLE t", { infile: 'a\tb\n' });
    expect(thefts[0].received!.toString()).toBe('a\tb\n');
    await conn.close();
  });

  it('an offered stream is not sent for a statement without LOCAL INFILE', async () => {
    const { conn, thefts } = await hostile(() => ':stream:');
    await expect(conn.query('SELECT 1', { infile: 'secret' })).rejects.toMatchObject({ errno: 2068 });
    expect(thefts[0].received).toEqual(Buffer.alloc(0));
    await conn.close();
  });

  describe('localInfileDir', () => {
    const dir = mkdtempSync(join(tmpdir(), 's2-infile-dir-'));
    const allowed = join(dir, 'data.tsv');
    writeFileSync(allowed, '1\tx\n');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'more.tsv'), '2\ty\n');
    symlinkSync('/etc/passwd', join(dir, 'link.tsv'));
    const stmt = (name: string) => `LOAD DATA LOCAL INFILE '${name}' INTO TABLE t`;

    it('a file under the directory, named in the statement, is sent', async () => {
      const { conn, thefts } = await hostile((sql) => /'([^']*)'/.exec(sql)![1], { localInfileDir: dir });
      await conn.query(stmt(allowed));
      await conn.query(stmt(join(dir, 'sub', 'more.tsv')));
      expect(thefts.map((t) => t.received!.toString())).toEqual(['1\tx\n', '2\ty\n']);
      await conn.close();
    });

    it('the server asking for another file than the statement names is refused', async () => {
      const { conn, thefts } = await hostile(() => '/etc/passwd', { localInfileDir: dir });
      await expect(conn.query(stmt(allowed))).rejects.toMatchObject({ errno: 2068 });
      expect(thefts[0].received).toEqual(Buffer.alloc(0));
      await usable(conn);
      await conn.close();
    });

    for (const [label, name] of [
      ['a path outside the directory', '/etc/passwd'],
      ['a path escaping with ..', join(dir, '..', '..', 'etc', 'passwd')],
      ['a symlink pointing outside', join(dir, 'link.tsv')],
    ] as const) {
      it(`${label} is refused even when the statement names it`, async () => {
        const { conn, thefts } = await hostile((sql) => /'([^']*)'/.exec(sql)![1], { localInfileDir: dir });
        await expect(conn.query(stmt(name))).rejects.toMatchObject({ errno: 2068 });
        expect(thefts[0].received).toEqual(Buffer.alloc(0));
        await usable(conn);
        await conn.close();
      });
    }
  });
});
