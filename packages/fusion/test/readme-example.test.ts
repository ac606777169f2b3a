/**
 * The README's example, as pasted, run with tsx against the throwaway MariaDB and the management
 * fake (SINGLESTOREDB_URL, SINGLESTOREDB_MANAGEMENT_TOKEN and SINGLESTOREDB_MANAGEMENT_BASE_URL
 * set as the README says).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementFake, type ManagementFake } from '@s2/fakes/management';
import { testServer } from '@s2/testing/vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const example = readFileSync(`${pkg}/README.md`, 'utf8').match(/```ts\n([\s\S]*?)```/)![1];
const file = `${pkg}/readme-example-${process.pid}.ts`;
let fake: ManagementFake;

beforeAll(async () => {
  fake = await startManagementFake();
  fake.seed.cluster({ name: 'prod-eu' });
  fake.seed.cluster({ name: 'staging' });
  writeFileSync(file, example);
});

afterAll(async () => {
  rmSync(file, { force: true });
  await fake.close();
});

describe('README example', () => {
  // Asynchronous: the management fake answers from this process.
  it('runs as pasted: the LIKE listing and SHOW FUSION COMMANDS are printed', async () => {
    const info = testServer();
    const r = await promisify(execFile)(process.execPath, ['--conditions=s2-source', '--import', 'tsx', file], {
      cwd: pkg,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        SINGLESTOREDB_URL: `${info.url}/${info.database}`,
        SINGLESTOREDB_MANAGEMENT_TOKEN: fake.token,
        SINGLESTOREDB_MANAGEMENT_BASE_URL: fake.url,
      },
    });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.stdout).toContain("Name: 'prod-eu'");
    expect(r.stdout).not.toContain('staging');
    expect(r.stdout).toContain('SHOW CLUSTERS [ LIKE');
  }, 90_000);
});
