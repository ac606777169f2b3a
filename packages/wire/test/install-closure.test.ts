/**
 * @s2/wire installed the way users install it: packed tarballs of it and @s2/base, plain npm,
 * a fresh app outside the workspace. Nothing else may come along (no database driver, fastify
 * or native addon), and the ESM and CJS builds both run a statement on the throwaway MariaDB.
 */
import { describe, expect, it } from 'vitest';
import { skipUnless, testServer } from '@s2/testing/vitest';
import { packInstallUnavailable, useInstalledApp } from '../../vectorstore/test/support/pack-install.js';

const program = (kind: 'esm' | 'cjs') => {
  const info = testServer();
  const options = { host: info.host, port: info.port, user: info.root.user, password: info.root.password, tls: { mode: 'disabled' } };
  return `${kind === 'esm' ? "import { connectWire } from '@s2/wire';" : "const { connectWire } = require('@s2/wire');"}
(async () => {
  const conn = await connectWire(${JSON.stringify(options)});
  const r = await conn.query("SELECT 1 + 1 AS two, 'é' AS text");
  const rows = await r.current.read();
  await conn.close();
  process.stdout.write(JSON.stringify({ rows }));
})().catch((e) => { process.stdout.write(JSON.stringify({ error: String(e) })); });
`;
};

const noInstall = packInstallUnavailable();

describe('@s2/wire installed alone with npm', skipUnless(noInstall && `@s2/wire install-closure check: ${noInstall}`, 'missing-tool'), () => {
  const app = useInstalledApp(['base', 'wire'], ['wire']);

  it('pulls in @s2/base only: no database driver, fastify or native addon', () => {
    expect(app().packages).toEqual(['@s2/base@0.1.0', '@s2/wire@0.1.0']);
    expect(app().addons).toEqual([]);
  });

  it.each(['esm.mjs', 'cjs.cjs'])('%s loads and runs a statement', (file) => {
    const out = JSON.parse(app().runProgram(file, program(file.startsWith('esm') ? 'esm' : 'cjs'))) as Record<string, unknown>;
    expect(out).toEqual({ rows: [[2, 'é']] });
  });
});
