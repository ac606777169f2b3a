/**
 * @s2/data-api-gateway installed the way users install it: packed tarballs of it, @s2/wire and
 * @s2/base, plain npm, a fresh app outside the workspace. It brings fastify (its HTTP server) and
 * nothing else outside s2: no database driver, no native addon, not @s2/core. Both builds
 * answer /ping, and a query against a target that is down is a 502 with the client errno.
 */
import { describe, expect, it } from 'vitest';
import { onlineInstallGate, useOnlineApp } from '../../udf/test/support/install-online.js';

const program = (kind: 'esm' | 'cjs') => `${
  kind === 'esm'
    ? "import { startDataApiGateway } from '@s2/data-api-gateway'; import net from 'node:net';"
    : "const { startDataApiGateway } = require('@s2/data-api-gateway'); const net = require('node:net');"
}
(async () => {
  // A port nothing listens on: taken, then released.
  const probe = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => probe.once('listening', r));
  const down = probe.address().port;
  await new Promise((r) => probe.close(r));
  const gw = await startDataApiGateway({ target: { host: '127.0.0.1', port: down } });
  const ping = await (await fetch(gw.url + '/ping')).text();
  const res = await fetch(gw.url + '/api/v2/query/rows', { method: 'POST', body: '{"sql":"SELECT 1"}',
    headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from('u:p').toString('base64') } });
  const body = await res.text();
  await gw.close();
  process.stdout.write(JSON.stringify([ping, res.status, body.slice(0, 16)]));
})();
`;

describe('@s2/data-api-gateway installed alone with npm', onlineInstallGate('@s2/data-api-gateway'), () => {
  const app = useOnlineApp(['base', 'wire', 'data-api-gateway'], ['data-api-gateway']);

  it('brings @s2/wire, @s2/base and fastify; no driver, no addon, not @s2/core', () => {
    const { packages, addons } = app();
    expect(packages.filter((p) => p.startsWith('@s2/'))).toEqual(['@s2/base', '@s2/data-api-gateway', '@s2/wire']);
    expect(packages).toContain('fastify');
    expect(packages.filter((p) => /^(mysql2?|mariadb|pg|apache-arrow|@napi-rs\/.*)$/.test(p))).toEqual([]);
    expect(addons).toEqual([]);
  });

  it.each(['esm.mjs', 'cjs.cjs'])('%s answers /ping and reports an unreachable target as 502', (file) => {
    expect(JSON.parse(app().runProgram(file, program(file.startsWith('esm') ? 'esm' : 'cjs')))).toEqual(['pong', 502, 'Error 2003 (HY00']);
  });
});
