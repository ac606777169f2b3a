import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startMariaDb, uniqueDatabaseName } from '@s2/testing';
import { missingCommand, pollUntil, skipUnless, testServer } from '@s2/testing/vitest';
import { runSourceScript } from '../../../tooling/test-support/source-script.js';

const run = promisify(execFile);

function firstBytes(host: string, port: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect({ host, port });
    s.once('data', (d) => {
      s.destroy();
      resolve(d);
    });
    s.once('error', reject);
  });
}

describe('the throwaway server', () => {
  const info = testServer();

  const external = info.external ? 'external server (SINGLESTOREDB_URL): its accounts, TLS material and socket are not ours' : null;

  it('describes itself completely', () => {
    expect(info.port).toBeGreaterThan(0);
    expect(info.url).toBe(`mysql://${info.root.user}:${info.root.password}@${info.host}:${info.port}`);
    expect(info.database).toBe('s2_test');
  });

  it('provides the test accounts and TLS material', skipUnless(external, 'platform'), () => {
    expect(info.users.native?.plugin).toBe('mysql_native_password');
    expect(info.users.unicode!.password.length).toBeGreaterThan(80);
    expect(/[^\x00-\x7f]/.test(info.users.unicode!.password)).toBe(true);
    expect(info.tls && existsSync(info.tls.caPath) && existsSync(info.tls.certPath)).toBe(true);
  });

  it('answers on its port with a protocol-10 handshake', async () => {
    const bytes = await firstBytes(info.host, info.port);
    expect(bytes[4]).toBe(10);
  });

  const noOpenssl = external ?? missingCommand('openssl', ['version']);
  it('has a certificate signed by its CA for localhost and 127.0.0.1', skipUnless(noOpenssl, external ? 'platform' : 'missing-tool'), async () => {
    const tls = info.tls!;
    const { stdout } = await run('openssl', ['verify', '-CAfile', tls.caPath, tls.certPath]);
    expect(stdout).toContain(': OK');
    const { stdout: text } = await run('openssl', ['x509', '-in', tls.certPath, '-noout', '-text']);
    expect(text).toMatch(/DNS:localhost/);
    expect(text).toMatch(/IP Address:127\.0\.0\.1/);
  });

  it('holds the standard fixtures', skipUnless(info.socketPath ? null : (external ?? 'the server has no Unix socket'), 'platform'), async () => {
    const { stdout } = await run('mariadb', [
      '--no-defaults',
      `--socket=${info.socketPath}`,
      '-uroot',
      `-p${info.root.password}`,
      '-N',
      '-B',
      '-e',
      'SELECT (SELECT COUNT(*) FROM s2_test.data), (SELECT COUNT(*) FROM s2_test.longer_data), (SELECT COUNT(*) FROM s2_test.alltypes), (SELECT COUNT(*) FROM s2_test.badutf8)',
    ]);
    expect(stdout.trim().split('\t')).toEqual(['5', '12', '5', '2']);
  });

  it('gives unique database names', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueDatabaseName('t')));
    expect(names.size).toBe(100);
    for (const n of names) expect(n).toMatch(/^t_[A-Za-z0-9_]+$/);
  });
});

describe('startMariaDb', () => {
  it('starts a second independent server and removes its directory on stop', async () => {
    const server = await startMariaDb({ fixtures: false });
    try {
      expect(server.info.port).not.toBe(testServer().port);
      expect(existsSync(server.info.socketPath!)).toBe(true);
      expect((await firstBytes('127.0.0.1', server.info.port))[4]).toBe(10);
    } finally {
      await server.stop();
    }
    expect(existsSync(server.info.socketPath!)).toBe(false);
    await server.stop();
  });
});

describe('startMariaDb when the process ends without stop()', () => {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  for (const end of ['SIGINT', 'SIGTERM', 'exit'] as const) {
    it(`kills the server and removes its directory on ${end}`, async () => {
      const run = await runSourceScript(new URL('./fixtures/interrupted-server.ts', import.meta.url), { S2_END: end });
      const { dir, pid } = JSON.parse(run.stdout.trim().split('\n')[0]!) as { dir: string; pid: number };
      expect(pid).toBeGreaterThan(0);
      // SIGKILL is asynchronous: give the kernel a moment to reap the server.
      await pollUntil(() => !alive(pid));
      expect(alive(pid)).toBe(false);
      expect(existsSync(dir)).toBe(false);
      expect(run.code).toBe(end === 'exit' ? 3 : null);
    }, 120_000);
  }
});
