import { describe, expect, it } from 'vitest';
import { testServer } from '@s2/testing/vitest';
import { runSourceScript } from '../../../tooling/test-support/source-script.js';
import { arrowReady } from '@s2/arrow';

describe('apache-arrow loads in the background', () => {
  it('arrowReady resolves once the converters are loaded', async () => {
    await expect(arrowReady()).resolves.toBeUndefined();
  });

  it('a query made before apache-arrow has loaded waits for it and returns the whole table', async () => {
    const { code, stdout, stderr } = await runSourceScript(new URL('./fixtures/first-query-child.ts', import.meta.url), {
      S2_CHILD_URL: `${testServer().url}/${testServer().database}`,
    });
    expect(code, stderr).toBe(0);
    const seen = JSON.parse(stdout);
    // The hook holds apache-arrow for 600 ms: the query was sent before it was loaded.
    expect(seen.readyAtQuery).toBe(false);
    expect(seen).toMatchObject({ isTable: true, rows: 20000, sum: String((20000 * 20001) / 2), last: 'n20000' });
  });

  it('without apache-arrow, importing @s2/arrow still works and an arrow query fails with MissingPackageError; the connection stays usable', async () => {
    const { code, stdout, stderr } = await runSourceScript(new URL('./fixtures/first-query-child.ts', import.meta.url), {
      S2_CHILD_URL: `${testServer().url}/${testServer().database}`,
      S2_CHILD_MODE: 'missing',
    });
    expect(code, stderr).toBe(0);
    const seen = JSON.parse(stdout);
    expect(seen).toMatchObject({ name: 'MissingPackageError', packageName: 'apache-arrow', after: 42 });
    expect(seen.message).toContain('npm install apache-arrow');
  });
});
