/**
 * @s2/kysely installed with exactly the packages its README names (`npm install @s2/kysely
 * @s2/core @s2/wire kysely`), in a fresh app outside the workspace: no database driver comes
 * along, and the ESM and CJS builds both load and run a statement on the throwaway MariaDB.
 */
import { describe, expect, it } from 'vitest';
import { skipUnless, testServer } from '@s2/testing/vitest';
import { packInstallUnavailable, useReadmeInstall } from './install-support.js';

const program = (kind: 'esm' | 'cjs') => `${
  kind === 'esm'
    ? "import { Kysely, sql } from 'kysely'; import { S2Dialect } from '@s2/kysely';"
    : "const { Kysely, sql } = require('kysely'); const { S2Dialect } = require('@s2/kysely');"
}
(async () => {
  const db = new Kysely({ dialect: new S2Dialect({ url: ${JSON.stringify(testServer().url)}, poolOptions: { max: 1 } }) });
  const { rows } = await sql\`select 1 + 1 as two\`.execute(db);
  await db.destroy();
  process.stdout.write(JSON.stringify({ rows }));
})().catch((e) => { process.stdout.write(JSON.stringify({ error: String(e) })); });
`;

const noInstall = packInstallUnavailable();

describe("@s2/kysely installed with its README's packages", skipUnless(noInstall && `@s2/kysely install check: ${noInstall}`, 'missing-tool'), () => {
  const app = useReadmeInstall('kysely', ['base', 'wire', 'core', 'kysely'], ['kysely']);

  it('installs those packages and nothing else (no mysql2)', () => {
    expect(app().packages.map((p) => p.replace(/@[^@]+$/, ''))).toEqual(['@s2/base', '@s2/core', '@s2/kysely', '@s2/wire', 'kysely']);
  });

  it.each(['esm.mjs', 'cjs.cjs'])('%s loads and runs a statement', (file) => {
    const out = JSON.parse(app().runProgram(file, program(file.startsWith('esm') ? 'esm' : 'cjs'))) as Record<string, unknown>;
    expect(out).toEqual({ rows: [{ two: 2 }] });
  });
});
