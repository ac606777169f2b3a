import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { skipUnless } from '@s2/testing/vitest';
import { OptionError } from '@s2/base';
import { DEFAULT_IMAGE, ServerStartError, startDocker } from '@s2/server';

// These tests need a Docker-compatible engine and a local image, which CI machines here do not
// have by default: `eval "$(bash tooling/podman/engine.sh)"` sets both up (podman + a MariaDB
// image built from Debian packages standing in for the SingleStore dev image).
const enabled = process.env.S2_CONTAINER_TESTS === '1';
const image = process.env.S2_MARIADB_IMAGE ?? 'localhost/s2-mariadb:bookworm';

describe('startDocker option checks (no engine needed)', () => {
  it('rejects a relative init SQL path and bad host ports before touching an engine', async () => {
    await expect(startDocker({ initSql: 'init.sql' })).rejects.toBeInstanceOf(OptionError);
    await expect(startDocker({ image, serverPort: 70000 })).rejects.toThrow(/1\.\.65535/);
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
