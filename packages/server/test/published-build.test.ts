/**
 * @s2/server as published (its dist/), with @s2/core the optional peer it is: the typings must
 * not name core (a project without it must still type-check), and the CommonJS build must load
 * the app's CommonJS copy of core, whose options the app set.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFreeTierFake } from '@s2/fakes/free-tier';
import { testServer } from '@s2/testing/vitest';
import { buildPackages, withBuildLock } from '../../testing/src/pack-install.js';

const packageJson = fileURLToPath(new URL('../package.json', import.meta.url));
const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

// The app loads core's build, which loads the builds of its peers: the addon's loader too (a fresh
// checkout has none of these builds; tests run from the sources).
beforeAll(() => withBuildLock(() => buildPackages(['base', 'native', 'wire', 'core', 'server'])), 300_000);

// Resolves @s2/core from the server package, as its build does, so both get the same copy.
const CJS_APP = `const { createRequire } = require('node:module');
const [pkg, baseUrl, serverPort] = process.argv.slice(1);
const req = createRequire(pkg);
const { options, withOptions } = req('@s2/core');
const { startFreeTier } = req('./dist/index.cjs');
(async () => {
  const server = await startFreeTier({ baseUrl, serverPort: Number(serverPort) });
  const rows = async () => {
    const conn = await server.connect();
    try { return await conn.query('SELECT 1 AS a'); } finally { await conn.close(); }
  };
  try {
    const defaults = await rows();
    const scoped = await withOptions({ 'results.type': 'objects' }, rows);
    options.set('results.type', 'objects');
    const global = await rows();
    process.stdout.write(JSON.stringify({ defaults, scoped, global }));
  } finally {
    await server.stop();
  }
})().catch((err) => { console.error(err); process.exit(1); });
`;

describe('the published build of @s2/server', () => {
  it('its typings do not name the optional peer @s2/core', () => {
    for (const file of ['index.d.ts', 'index.d.cts']) {
      const naming = readFileSync(dist(file), 'utf8')
        .split('\n')
        .filter((line) => /(\bfrom\s*|\bimport\s*\(\s*)['"]@s2\/core['"]/.test(line));
      expect(naming, file).toEqual([]);
    }
  });

  it("the CommonJS build's connect() follows the app's withOptions() and options.set()", async () => {
    const info = testServer();
    const fake = await startFreeTierFake({ session: { user: info.root.user, password: info.root.password, databaseName: info.database, endpoint: info.host } });
    try {
      // Asynchronous: the fake answers from this process while the app runs.
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', CJS_APP, packageJson, fake.url, String(info.port)], {
        env: { ...process.env, NODE_PATH: '', NODE_OPTIONS: '' },
      });
      expect(JSON.parse(stdout)).toEqual({ defaults: [[1]], scoped: [{ a: 1 }], global: [{ a: 1 }] });
    } finally {
      await fake.close();
    }
  });
});
