import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testServer } from '@s2/testing/vitest';

const run = promisify(execFile);
const app = fileURLToPath(new URL('..', import.meta.url));

describe('the README quick start', () => {
  it('runs as written against the test server and prints rows in both shapes', async () => {
    const info = testServer();
    const { stdout } = await run('pnpm', ['-s', 'start'], {
      cwd: app,
      env: { ...process.env, SINGLESTOREDB_URL: `${info.url}/${info.database}` },
      timeout: 60_000,
    });
    expect(stdout).toMatch(/connected to /);
    // It says which decoder ran, and why when it is the TypeScript one.
    expect(stdout).toMatch(/^decoder: (native \(Rust accelerator\): .+\.node|TypeScript: .+)$/m);
    expect(stdout).toContain("row: [ 1, 'antelope', '52.125' ]");
    expect(stdout).toContain("row: [ 1152921504606846976n, 'blue whale', '150000.000' ]");
    expect(stdout).toContain("as objects: [ { name: 'antelope', weight: '52.125' } ]");
  });
});
