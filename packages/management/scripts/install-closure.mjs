#!/usr/bin/env node
/**
 * Install closure of @s2/management: packs it and @s2/base as they would be published, installs
 * the two tarballs with plain npm (offline) into a fresh app, and checks that nothing else comes
 * along (no database driver, no fastify, no native addon), that the root entry has no node:
 * imports, that ESM and CJS both load, and that .connect() without @s2/core names the package.
 * Prints a JSON report; exits 1 when a check fails. Run: node packages/management/scripts/install-closure.mjs
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 's2-mgmt-closure-'));
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

function files(dir, pred) {
  const found = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (pred(name)) found.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

const PEER_PROGRAM = (kind) => `${kind === 'esm' ? "import http from 'node:http'; import { createManagement, MissingPeerError } from '@s2/management';" : "const http = require('node:http'); const { createManagement, MissingPeerError } = require('@s2/management');"}
const id = '11111111-1111-4111-8111-111111111111';
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ clusterID: id, name: 'c', state: 'ACTIVE', endpoint: 'db.example.test' }));
});
server.listen(0, '127.0.0.1', async () => {
  const mgmt = createManagement({ baseUrl: 'http://127.0.0.1:' + server.address().port, token: 't', env: {} });
  const c = await mgmt.clusters.get(id);
  let peer = 'connected?';
  try { await c.connect(); } catch (e) { peer = e instanceof MissingPeerError ? e.message : 'other: ' + e.message; }
  server.close();
  process.stdout.write(JSON.stringify({ name: c.name, peer }));
});
`;

try {
  // @s2/base is rebuilt only when it has no dist (its code does not change the closure).
  const filters = existsSync(join(ROOT, 'packages/base/dist/index.js')) ? [] : ['--filter', '@s2/base'];
  run('pnpm', ['-s', ...filters, '--filter', '@s2/management', 'run', 'build'], ROOT);
  const tarDir = join(work, 'tarballs');
  mkdirSync(tarDir);
  for (const p of ['base', 'management']) run('pnpm', ['pack', '--pack-destination', tarDir], join(ROOT, 'packages', p));
  const tarballs = readdirSync(tarDir).map((f) => join(tarDir, f));
  for (const t of tarballs) report.tarballs[t.split('/').pop()] = statSync(t).size;
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'closure-management', private: true, version: '0.0.0' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], app);
  report.installed = installed(app);
  check('only @s2/management and @s2/base are installed', JSON.stringify(report.installed) === JSON.stringify(['@s2/base@0.1.0', '@s2/management@0.1.0']), report.installed.join(', '));
  const forbidden = report.installed.filter((p) => /^(mysql2?|mariadb|pg|fastify|@fastify\/|undici|@s2\/(core|wire|native|http|fakes|testing))/.test(p));
  check('no database driver, fastify or s2 transport', forbidden.length === 0, forbidden.join(', '));
  const addons = files(join(app, 'node_modules'), (n) => n.endsWith('.node'));
  check('no native addon', addons.length === 0, addons.join(', '));
  const dist = join(app, 'node_modules/@s2/management/dist');
  // Everything but the node subpath's own files (the root entry and shared chunks) must be runtime-neutral.
  const neutral = files(dist, (n) => /\.(c?js)$/.test(n) && !/^node\./.test(n));
  const withNode = neutral.filter((f) => /(from\s*["'](node:)?(fs|path|stream|os|http|net|child_process)["']|require\(["']node:|from\s*["']node:)/.test(readFileSync(f, 'utf8')));
  check('the root entry and shared chunks have no node: imports (runtime-neutral)', neutral.length > 0 && withNode.length === 0, withNode.join(', '));
  const nodeEntry = readFileSync(join(dist, 'node.js'), 'utf8');
  check('the node subpath is where the file-system code lives', /createReadStream/.test(nodeEntry));
  writeFileSync(join(app, 'esm.mjs'), PEER_PROGRAM('esm'));
  writeFileSync(join(app, 'cjs.cjs'), PEER_PROGRAM('cjs'));
  for (const f of ['esm.mjs', 'cjs.cjs']) {
    const out = JSON.parse(run(process.execPath, [f], app));
    check(`${f}: loads, calls the API and .connect() names the missing peer`, out.name === 'c' && /npm install @s2\/core/.test(out.peer), out.peer);
  }
  const sub = run(process.execPath, ['--input-type=module', '-e', "import('@s2/management/node').then((m) => process.stdout.write(Object.keys(m).sort().join(',')))"], app);
  check('@s2/management/node loads', sub.includes('uploadFile') && sub.includes('downloadFolder'), sub);
} catch (err) {
  check('closure run', false, String(err.message ?? err).slice(0, 2000));
} finally {
  if (process.env.S2_KEEP_CLOSURE !== '1') rmSync(work, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exit(report.checks.every((c) => c.ok) ? 0 : 1);
