#!/usr/bin/env node
/**
 * Install closure of @s2/fusion: packs it with the @s2 packages it needs (@s2/base,
 * @s2/management, and @s2/core, its peer) as they would be published, installs the tarballs with
 * plain npm (offline) into a fresh app, and checks that nothing else comes along (no database
 * driver, no fastify, no s2 transport, no native addon) and that the root entry loads and answers
 * a Fusion statement through core's hook from ESM and from CJS.
 * Prints a JSON report; exits 1 when a check fails. Run: node packages/fusion/scripts/install-closure.mjs
 */
import { register } from 'tsx/esm/api';

// The shared pack-and-install helper is TypeScript (@s2/testing); tsx loads it for this plain script.
register();
const { runClosureScript } = await import('../../testing/src/pack-install.ts');

const PACKAGES = ['base', 'core', 'management', 'fusion'];
const EXPECTED = PACKAGES.map((p) => `@s2/${p}@0.1.0`).sort();

// The hook core holds after installFusion answers SHOW FUSION COMMANDS in memory and lets other SQL through.
const PROGRAM = (kind) => `${
  kind === 'esm'
    ? "import { FusionSyntaxError, installFusion } from '@s2/fusion'; import { getStatementHook } from '@s2/core';"
    : "const { FusionSyntaxError, installFusion } = require('@s2/fusion'); const { getStatementHook } = require('@s2/core');"
}
(async () => {
  installFusion({ enabled: true });
  const hook = getStatementHook();
  const session = { params: {} };
  const res = await hook("SHOW FUSION COMMANDS LIKE 'SHOW CLUSTER%'", session);
  const rows = await res.current.read();
  let syntax = 'no error';
  try { await hook('SHOW CLUSTERS bogus', session); } catch (e) { syntax = e instanceof FusionSyntaxError ? 'FusionSyntaxError' : e.constructor.name; }
  process.stdout.write(JSON.stringify({ columns: res.current.columns.map((c) => c.name), rows: rows.map((r) => r[0].split('\\n')[0]), passThrough: hook('SELECT 1', session), syntax }));
})();
`;

await runClosureScript('fusion', ({ check, install }) => {
  // Fusion is always rebuilt; the others when their build is missing or older than their sources.
  const app = install(PACKAGES, ['fusion']);
  check(
    'only @s2/fusion, @s2/core, @s2/management and @s2/base are installed',
    JSON.stringify(app.packages) === JSON.stringify(EXPECTED),
    app.packages.join(', '),
  );
  const forbidden = app.packages.filter((p) =>
    /^(mysql2?|mariadb|pg|fastify|@fastify\/|undici|apache-arrow|nodejs-polars|@s2\/(wire|native|http|fakes|testing|arrow|polars|data-api-gateway))/.test(p),
  );
  check('no database driver, fastify or s2 transport', forbidden.length === 0, forbidden.join(', '));
  check('no native addon', app.addons.length === 0, app.addons.join(', '));
  for (const f of ['esm.mjs', 'cjs.cjs']) {
    const out = JSON.parse(app.runProgram(f, PROGRAM(f === 'esm.mjs' ? 'esm' : 'cjs')));
    const ok =
      JSON.stringify(out.columns) === '["Command"]' &&
      JSON.stringify(out.rows) === JSON.stringify(["SHOW CLUSTER REGIONS [ LIKE '<pattern>' ]", "SHOW CLUSTERS [ LIKE '<pattern>' ]"]) &&
      out.passThrough === null &&
      out.syntax === 'FusionSyntaxError';
    check(`${f}: loads, answers SHOW FUSION COMMANDS through core's hook, passes other SQL through, FusionSyntaxError on bad syntax`, ok, JSON.stringify(out));
  }
});
