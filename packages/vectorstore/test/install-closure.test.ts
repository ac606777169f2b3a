/**
 * @s2/vectorstore installed the way users install it: the packed tarballs of it and the s2
 * packages it needs (@s2/base, the @s2/core peer and @s2/wire for mysql:// URLs), plain npm,
 * a fresh app outside the workspace. Checks what lands in node_modules and that both the ESM
 * and the CJS build open a store on the throwaway MariaDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { skipUnless, testServer } from '@s2/testing/vitest';
import { nodeImports, packInstallUnavailable, useInstalledApp } from './support/pack-install.js';

const scratch = uniqueDatabaseName('vs_closure');
const url = `${testServer().url}/${scratch}`;

const program = (kind: 'esm' | 'cjs') => `${
  kind === 'esm'
    ? "import { connect } from '@s2/core'; import { vectorDb, compileFilter, VectorStoreError } from '@s2/vectorstore';"
    : "const { connect } = require('@s2/core'); const { vectorDb, compileFilter, VectorStoreError } = require('@s2/vectorstore');"
}
(async () => {
  const conn = await connect(${JSON.stringify(url)});
  const db = await vectorDb(conn);
  const cached = (await conn.vectorDb) === (await conn.vectorDb);
  let refused = '';
  try { await db.createIndex('x', { dimension: 0 }); } catch (e) { refused = e instanceof VectorStoreError ? e.message : 'other: ' + e; }
  const out = { has: await db.hasIndex('nope'), cached, refused, filter: compileFilter({ genre: 'drama' }).sql };
  await conn.close();
  process.stdout.write(JSON.stringify(out));
})();
`;

const noInstall = packInstallUnavailable();

describe('@s2/vectorstore installed alone with npm', skipUnless(noInstall && `@s2/vectorstore install-closure check: ${noInstall}`, 'missing-tool'), () => {
  beforeAll(async () => {
    const root = await connect(testServer().url);
    await root.execute(`CREATE DATABASE ${scratch}`);
    await root.close();
  });
  afterAll(async () => {
    const root = await connect(testServer().url);
    await root.execute(`DROP DATABASE IF EXISTS ${scratch}`);
    await root.close();
  });
  const app = useInstalledApp(['base', 'wire', 'core', 'vectorstore'], ['vectorstore']);

  it('pulls in the s2 packages it was given and nothing else: no fastify, Arrow, Polars, @s2/ai or native addon', () => {
    expect(app().packages).toEqual(['@s2/base@0.1.0', '@s2/core@0.1.0', '@s2/vectorstore@0.1.0', '@s2/wire@0.1.0']);
    expect(app().addons).toEqual([]);
  });

  it('its build imports no Node built-ins (runtime-neutral)', () => {
    expect(nodeImports(app(), '@s2/vectorstore')).toEqual([]);
  });

  it.each(['esm.mjs', 'cjs.cjs'])('%s loads and opens a store on MariaDB (conn.vectorDb cached, bad input typed)', (file) => {
    const out = JSON.parse(app().runProgram(file, program(file.startsWith('esm') ? 'esm' : 'cjs'))) as Record<string, unknown>;
    expect(out).toEqual({
      has: false,
      cached: true,
      refused: 'dimension must be a positive integer, got 0',
      filter: 'JSON_MATCH_ANY(MATCH_PARAM_STRING_STRICT() = ?, metadata, ?)',
    });
  });
});
