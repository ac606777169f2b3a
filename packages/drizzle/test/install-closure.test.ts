/**
 * @s2/drizzle installed with exactly the packages its README names (`npm install @s2/drizzle
 * @s2/core @s2/wire drizzle-orm`), in a fresh app outside the workspace: no mysql2 comes along,
 * and the ESM and CJS builds both load and run a statement on the throwaway MariaDB.
 * drizzle-orm's own SingleStore driver module imports mysql2 as it loads, so @s2/drizzle must
 * build on drizzle-orm/singlestore-core and never reach that module.
 */
import { describe, expect, it } from 'vitest';
import { skipUnless, testServer } from '@s2/testing/vitest';
import { packInstallUnavailable, useReadmeInstall } from '../../kysely/test/install-support.js';

const program = (kind: 'esm' | 'cjs') => `${
  kind === 'esm'
    ? "import { connect } from '@s2/core'; import { drizzle } from '@s2/drizzle'; import { sql } from 'drizzle-orm';"
    : "const { connect } = require('@s2/core'); const { drizzle } = require('@s2/drizzle'); const { sql } = require('drizzle-orm');"
}
(async () => {
  const conn = await connect(${JSON.stringify(testServer().url)});
  const [rows] = await drizzle(conn).execute(sql\`select 1 + 1 as two\`);
  await conn.close();
  process.stdout.write(JSON.stringify({ rows }));
})().catch((e) => { process.stdout.write(JSON.stringify({ error: String(e) })); });
`;

const noInstall = packInstallUnavailable();

describe("@s2/drizzle installed with its README's packages", skipUnless(noInstall && `@s2/drizzle install check: ${noInstall}`, 'missing-tool'), () => {
  const app = useReadmeInstall('drizzle', ['base', 'wire', 'core', 'drizzle'], ['drizzle-orm']);

  it('installs those packages and nothing else (no mysql2)', () => {
    expect(app().packages.map((p) => p.replace(/@[^@]+$/, ''))).toEqual(['@s2/base', '@s2/core', '@s2/drizzle', '@s2/wire', 'drizzle-orm']);
  });

  it.each(['esm.mjs', 'cjs.cjs'])('%s loads and runs a statement', (file) => {
    const out = JSON.parse(app().runProgram(file, program(file.startsWith('esm') ? 'esm' : 'cjs'))) as Record<string, unknown>;
    expect(out).toEqual({ rows: [{ two: 2 }] });
  });
});
