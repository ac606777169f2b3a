import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { skipUnless } from '@s2/testing/vitest';
import { OptionError } from '@s2/base';
import { DEFAULT_IMAGE, ServerStartError, startDocker } from '@s2/server';
import { bindMounts } from '../src/docker.js';

// These tests need a Docker-compatible engine and a local image, which CI machines here do not
// have by default: `eval "$(bash tooling/podman/engine.sh)"` sets both up (podman + a MariaDB
// image built from Debian packages standing in for the SingleStore dev image).
const enabled = process.env.S2_CONTAINER_TESTS === '1';
const image = process.env.S2_MARIADB_IMAGE ?? 'localhost/s2-mariadb:bookworm';

describe('startDocker option checks (no engine needed)', () => {
  it('rejects bad host ports before touching an engine', async () => {
    await expect(startDocker({ image, serverPort: 70000 })).rejects.toThrow(/1\.\.65535/);
  });

  it('mounts host paths made absolute, so that a relative one never names an engine volume', () => {
    expect(bindMounts({ dataDir: 'data', logsDir: './logs', serverDir: '/srv/s2', initSql: '../init.sql' })).toEqual([
      { source: join(process.cwd(), 'data'), target: '/data', mode: 'rw' },
      { source: join(process.cwd(), 'logs'), target: '/logs', mode: 'ro' },
      { source: '/srv/s2', target: '/server', mode: 'ro' },
      { source: join(process.cwd(), '..', 'init.sql'), target: '/init.sql', mode: 'ro' },
    ]);
    expect(bindMounts({})).toEqual([]);
  });

  it('an aborted signal stops the start before any engine is asked', async () => {
    const stop = new AbortController();
    stop.abort('SIGINT');
    const err = await startDocker({ image, signal: stop.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerStartError);
    expect((err as Error).message).toMatch(/interrupted/);
  });

  it('the default image is the SingleStore dev image', () => {
    expect(DEFAULT_IMAGE).toBe('ghcr.io/singlestore-labs/singlestoredb-dev:latest');
  });
});

const notEnabled = enabled ? null : '@s2/server container tests: set S2_CONTAINER_TESTS=1 after `eval "$(bash tooling/podman/engine.sh)"` to run them';
describe('startDocker on a local engine (S2_CONTAINER_TESTS=1)', skipUnless(notEnabled, 'opt-in'), () => {
  it('starts the stand-in image, runs its init SQL, connects, logs and stops', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 's2-server-'));
    const initSql = join(dir, 'init.sql');
    writeFileSync(initSql, 'CREATE DATABASE app;\nCREATE TABLE app.seed (id INT PRIMARY KEY);\nINSERT INTO app.seed VALUES (7);\n');
    const server = await startDocker({
      image,
      readiness: 'sql',
      studio: false,
      dataApi: false,
      initSql,
      database: 'app',
      password: 'p@ss word',
      startupTimeoutMs: 120_000,
    });
    try {
      expect(server.connectionUrl).toBe(`singlestoredb://root:p%40ss%20word@localhost:${server.serverPort}/app`);
      expect(server.httpConnectionUrl).toBeNull();
      expect(server.studioUrl).toBeNull();
      const conn = await server.connect();
      try {
        expect(await conn.query('SELECT id FROM seed')).toEqual([[7]]);
      } finally {
        await conn.close();
      }
      expect((await server.logs()).some((l) => l.includes('ready for connections'))).toBe(true);
      await expect(server.connect({ useDataApi: true })).rejects.toBeInstanceOf(OptionError);
    } finally {
      await server.stop();
    }
    expect(server.running).toBe(false);
    await expect(server.connect()).rejects.toThrow();
  });

  it('exports the URL only when asked and restores it on stop', { timeout: 180_000 }, async () => {
    const before = process.env.SINGLESTOREDB_URL;
    await using server = await startDocker({ image, readiness: 'sql', studio: false, dataApi: false, exportEnv: true });
    expect(process.env.SINGLESTOREDB_URL).toBe(server.connectionUrl);
    await server.stop();
    expect(process.env.SINGLESTOREDB_URL).toBe(before);
  });

  it('stops the container and says why when readiness misses the deadline', { timeout: 180_000 }, async () => {
    // A server told to refuse every password never accepts the SQL probe.
    const err = await startDocker({
      image,
      readiness: 'sql',
      studio: false,
      dataApi: false,
      password: 'right',
      startupTimeoutMs: 8_000,
      environment: { ROOT_PASSWORD: 'wrong' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerStartError);
    expect(String((err as Error).message)).toMatch(/did not accept SQL connections within 8000 ms/);
    // Nothing is left running (the docker client talks to the same engine through DOCKER_HOST).
    expect(execFileSync('docker', ['ps', '-a', '--format', '{{.Image}}'], { encoding: 'utf8' })).not.toContain(image);
  });

  it('binds a relative dataDir to that directory, not to a named volume', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 's2-server-data-'));
    const name = `s2-server-reldir-${process.pid}`;
    // A bare name is what an engine takes for a volume; the engine's own directory is not ours.
    const cwd = process.cwd();
    process.chdir(dirname(dir));
    const dataDir = basename(dir);
    let server: Awaited<ReturnType<typeof startDocker>>;
    try {
      server = await startDocker({ image, name, readiness: 'sql', studio: false, dataApi: false, dataDir });
    } finally {
      process.chdir(cwd);
    }
    try {
      const mounts = JSON.parse(execFileSync('docker', ['inspect', '--format', '{{json .Mounts}}', name], { encoding: 'utf8' })) as Array<{
        Type: string;
        Source: string;
        Destination: string;
      }>;
      expect(mounts.find((m) => m.Destination === '/data')).toMatchObject({ Type: 'bind', Source: dir });
    } finally {
      await server.stop();
    }
    expect(execFileSync('docker', ['volume', 'ls', '--format', '{{.Name}}'], { encoding: 'utf8' })).not.toContain(dataDir);
  });

  it('aborting the signal while the container comes up removes it', { timeout: 180_000 }, async () => {
    const name = `s2-server-abort-${process.pid}`;
    const stop = new AbortController();
    // The stand-in image has no health check: this start would wait for its deadline.
    const starting = startDocker({ image, name, readiness: 'health-check', studio: false, dataApi: false, signal: stop.signal, startupTimeoutMs: 120_000 });
    const outcome = starting.catch((e: unknown) => e);
    const deadline = Date.now() + 60_000;
    while (!execFileSync('docker', ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' }).split('\n').includes(name)) {
      if (Date.now() > deadline) throw new Error('the container never appeared');
      await new Promise((r) => setTimeout(r, 200));
    }
    const aborted = Date.now();
    stop.abort('SIGINT');
    const err = await outcome;
    expect(err).toBeInstanceOf(ServerStartError);
    expect((err as Error).message).toMatch(/interrupted; nothing of it is left running/);
    expect(Date.now() - aborted).toBeLessThan(30_000);
    expect(execFileSync('docker', ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' }).split('\n')).not.toContain(name);
  });

  it('aborting the signal during the SQL readiness probe removes the container', { timeout: 180_000 }, async () => {
    const name = `s2-server-abort-sql-${process.pid}`;
    const stop = new AbortController();
    // A server that refuses the probe's password keeps the probe looping.
    const outcome = startDocker({
      image,
      name,
      readiness: 'sql',
      studio: false,
      dataApi: false,
      password: 'right',
      environment: { ROOT_PASSWORD: 'wrong' },
      signal: stop.signal,
    }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 8_000));
    stop.abort('SIGINT');
    const err = await outcome;
    expect(err).toBeInstanceOf(ServerStartError);
    expect((err as Error).message).toMatch(/interrupted/);
    expect(execFileSync('docker', ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' }).split('\n')).not.toContain(name);
  });

  it("@s2/testing's global setup runs a suite against a container (S2_TEST_DOCKER_IMAGE), here in Data API mode", { timeout: 240_000 }, () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const config = fileURLToPath(new URL('../../testing/test/data-api-mode/vitest.config.ts', import.meta.url));
    const env: NodeJS.ProcessEnv = { ...process.env, S2_TEST_DOCKER_IMAGE: image, USE_DATA_API: '1' };
    delete env.SINGLESTOREDB_URL;
    const run = spawnSync('pnpm', ['exec', 'vitest', 'run', '--config', config], { cwd: root, encoding: 'utf8', env, timeout: 230_000 });
    expect(run.stdout + run.stderr).toMatch(/2 passed/);
    expect(run.status).toBe(0);
    expect(execFileSync('docker', ['ps', '-a', '--format', '{{.Image}}'], { encoding: 'utf8' })).not.toContain(image);
  });
});
