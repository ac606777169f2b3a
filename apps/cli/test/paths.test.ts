/** Relative paths are taken from where the command was typed, also under `pnpm --filter @s2/cli start`. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { invocationDir, userPath } from '../src/paths.js';
import { parseServerStart } from '../src/server-start.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const startScript = { npm_lifecycle_event: 'start', npm_package_name: '@s2/cli', INIT_CWD: '/home/me/project' };

describe('invocationDir / userPath', () => {
  it("takes INIT_CWD when this package's start script runs the CLI", () => {
    expect(invocationDir(startScript)).toBe('/home/me/project');
    expect(userPath('./functions.ts', startScript)).toBe('/home/me/project/functions.ts');
    expect(userPath('/abs/functions.ts', startScript)).toBe('/abs/functions.ts');
  });

  it('ignores an INIT_CWD inherited from another script or an outer package manager', () => {
    // A user's "serve": "s2 udf serve ./functions.ts" means its own package directory, the cwd.
    expect(invocationDir({ ...startScript, npm_package_name: 'my-app' })).toBe(process.cwd());
    expect(invocationDir({ ...startScript, npm_lifecycle_event: 'test' })).toBe(process.cwd());
    expect(invocationDir({ INIT_CWD: '/home/me/project' })).toBe(process.cwd());
    expect(userPath('data', {})).toBe(join(process.cwd(), 'data'));
  });
});

describe('s2 server start under the start script', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('hands the engine --data-dir and --init-sql resolved against INIT_CWD', () => {
    for (const [key, value] of Object.entries(startScript)) vi.stubEnv(key, value);
    const options = parseServerStart(['start', '--data-dir', 'rel/data', '--init-sql', './init.sql']);
    expect(options).toMatchObject({ dataDir: '/home/me/project/rel/data', initSql: '/home/me/project/init.sql' });
  });
});

describe('pnpm --filter @s2/cli start udf serve ./module.ts', () => {
  it('finds the module in the directory pnpm was started from', { timeout: 60_000 }, async () => {
    // pnpm runs the script in apps/cli; the module lies in test/fixtures, where pnpm is started.
    const child = spawn('pnpm', ['--filter', '@s2/cli', 'start', 'udf', 'serve', './functions.ts', '--port', '0'], {
      cwd: fixtures,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise((r) => child.on('exit', r));
    try {
      const deadline = Date.now() + 50_000;
      while (!/serving .* on http/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      expect(/serving (.*) on http/.exec(out)?.[1], `${out}${err}`).toBe('mult, upper');
    } finally {
      // pnpm, its shell and the CLI share the process group the child leads.
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  });
});
