#!/usr/bin/env node
/**
 * Install closure of @s2/fusion: packs it with the @s2 packages it needs (@s2/base,
 * @s2/management, and @s2/core, its peer) as they would be published, installs the tarballs with
 * plain npm (offline) into a fresh app, and checks that nothing else comes along (no database
 * driver, no fastify, no s2 transport, no native addon) and that the root entry loads and answers
 * a Fusion statement through core's hook from ESM and from CJS.
 * Prints a JSON report; exits 1 when a check fails. Run: node packages/fusion/scripts/install-closure.mjs
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGES = ['base', 'core', 'management', 'fusion'];
const EXPECTED = PACKAGES.map((p) => `@s2/${p}@0.1.0`).sort();
const work = mkdtempSync(join(tmpdir(), 's2-fusion-closure-'));
const report = { checks: [], installed: [], tarballs: {} };

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function check(name, ok, detail = '') {
  report.checks.push({ name, ok, detail });
}

function installed(app) {
  const out = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      const p = join(dir, name);
      if (name.startsWith('@')) walk(p);
      else if (existsSync(join(p, 'package.json'))) {
        const m = JSON.parse(readFileSync(join(p, 'package.json'), 'utf8'));
        out.push(`${m.name}@${m.version}`);
        walk(join(p, 'node_modules'));
      }
    }
  };
  walk(join(app, 'node_modules'));
  return out.sort();
}

function addons(dir) {
  const found = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.node')) found.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

// The hook core holds after installFusion answers SHOW FUSION COMMANDS in memory and lets other SQL through.
const PROGRAM = (kind) => `${kind === 'esm'
  ? "import { FusionSyntaxError, installFusion } from '@s2/fusion'; import { getStatementHook } from '@s2/core';"
  : "const { FusionSyntaxError, installFusion } = require('@s2/fusion'); const { getStatementHook } = require('@s2/core');"}
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

try {
  // Fusion is always rebuilt; the others only when their dist is missing or older than what Fusion imports.
  const filters = ['--filter', '@s2/fusion'];
  if (!existsSync(join(ROOT, 'packages/base/dist/index.js'))) filters.push('--filter', '@s2/base');
  if (!existsSync(join(ROOT, 'packages/core/dist/index.js'))) filters.push('--filter', '@s2/core');
  const mgmtNode = join(ROOT, 'packages/management/dist/node.js');
  if (!existsSync(mgmtNode) || !readFileSync(mgmtNode, 'utf8').includes('nodeGetWithBody')) filters.push('--filter', '@s2/management');
  run('pnpm', ['-s', ...filters, 'run', 'build'], ROOT);
  const tarDir = join(work, 'tarballs');
  mkdirSync(tarDir);
  for (const p of PACKAGES) run('pnpm', ['pack', '--pack-destination', tarDir], join(ROOT, 'packages', p));
  const tarballs = readdirSync(tarDir).map((f) => join(tarDir, f));
  for (const t of tarballs) report.tarballs[t.split('/').pop()] = statSync(t).size;
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'closure-fusion', private: true, version: '0.0.0' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], app);
  report.installed = installed(app);
  check('only @s2/fusion, @s2/core, @s2/management and @s2/base are installed', JSON.stringify(report.installed) === JSON.stringify(EXPECTED), report.installed.join(', '));
  const forbidden = report.installed.filter((p) => /^(mysql2?|mariadb|pg|fastify|@fastify\/|undici|apache-arrow|nodejs-polars|@s2\/(wire|native|http|fakes|testing|arrow|polars|data-api-gateway))/.test(p));
  check('no database driver, fastify or s2 transport', forbidden.length === 0, forbidden.join(', '));
  const found = addons(join(app, 'node_modules'));
  check('no native addon', found.length === 0, found.join(', '));
  writeFileSync(join(app, 'esm.mjs'), PROGRAM('esm'));
  writeFileSync(join(app, 'cjs.cjs'), PROGRAM('cjs'));
  for (const f of ['esm.mjs', 'cjs.cjs']) {
    const out = JSON.parse(run(process.execPath, [f], app));
    const ok = JSON.stringify(out.columns) === '["Command"]' && JSON.stringify(out.rows) === JSON.stringify(["SHOW CLUSTER REGIONS [ LIKE '<pattern>' ]", "SHOW CLUSTERS [ LIKE '<pattern>' ]"])
      && out.passThrough === null && out.syntax === 'FusionSyntaxError';
    check(`${f}: loads, answers SHOW FUSION COMMANDS through core's hook, passes other SQL through, FusionSyntaxError on bad syntax`, ok, JSON.stringify(out));
  }
} catch (err) {
  check('closure run', false, String(err.message ?? err).slice(0, 2000));
} finally {
  if (process.env.S2_KEEP_CLOSURE !== '1') rmSync(work, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exit(report.checks.every((c) => c.ok) ? 0 : 1);
