#!/usr/bin/env node
/**
 * Install closure of @s2/management: packs it and @s2/base as they would be published, installs
 * the two tarballs with plain npm (offline) into a fresh app, and checks that nothing else comes
 * along (no database driver, no fastify, no native addon), that the root entry has no node:
 * imports, that ESM and CJS both load, and that .connect() without @s2/core names the package.
 * Prints a JSON report; exits 1 when a check fails. Run: node packages/management/scripts/install-closure.mjs
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';

// The shared pack-and-install helper is TypeScript (@s2/testing); tsx loads it for this plain script.
register();
const { filesUnder, nodeImports, runClosureScript, runTool } = await import('../../testing/src/pack-install.ts');

const PEER_PROGRAM = (
  kind,
) => `${kind === 'esm' ? "import http from 'node:http'; import { createManagement, MissingPeerError } from '@s2/management';" : "const http = require('node:http'); const { createManagement, MissingPeerError } = require('@s2/management');"}
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

await runClosureScript('mgmt', ({ check, install }) => {
  const app = install(['base', 'management'], ['management']);
  check(
    'only @s2/management and @s2/base are installed',
    JSON.stringify(app.packages) === JSON.stringify(['@s2/base@0.1.0', '@s2/management@0.1.0']),
    app.packages.join(', '),
  );
  const forbidden = app.packages.filter((p) => /^(mysql2?|mariadb|pg|fastify|@fastify\/|undici|@s2\/(core|wire|native|http|fakes|testing))/.test(p));
  check('no database driver, fastify or s2 transport', forbidden.length === 0, forbidden.join(', '));
  check('no native addon', app.addons.length === 0, app.addons.join(', '));
  const dist = join(app.dir, 'node_modules/@s2/management/dist');
  // Everything but the node subpath's own files (the root entry and shared chunks) must be runtime-neutral.
  const isNeutral = (n) => /\.(c?js)$/.test(n) && !/^node\./.test(n);
  const neutral = filesUnder(dist, isNeutral);
  const withNode = nodeImports(app, '@s2/management', isNeutral);
  check('the root entry and shared chunks have no node: imports (runtime-neutral)', neutral.length > 0 && withNode.length === 0, withNode.join(', '));
  const nodeEntry = readFileSync(join(dist, 'node.js'), 'utf8');
  check('the node subpath is where the file-system code lives', /createReadStream/.test(nodeEntry));
  for (const f of ['esm.mjs', 'cjs.cjs']) {
    const out = JSON.parse(app.runProgram(f, PEER_PROGRAM(f === 'esm.mjs' ? 'esm' : 'cjs')));
    check(`${f}: loads, calls the API and .connect() names the missing peer`, out.name === 'c' && /npm install @s2\/core/.test(out.peer), out.peer);
  }
  const sub = runTool(
    process.execPath,
    ['--input-type=module', '-e', "import('@s2/management/node').then((m) => process.stdout.write(Object.keys(m).sort().join(',')))"],
    app.dir,
  );
  check('@s2/management/node loads', sub.includes('uploadFile') && sub.includes('downloadFolder'), sub);
});
