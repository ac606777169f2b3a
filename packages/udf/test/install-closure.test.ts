/**
 * @s2/udf installed the way users install it: packed tarballs of it, @s2/base and @s2/native,
 * plain npm, a fresh app outside the workspace. It brings fastify and apache-arrow (its server
 * and Arrow codec) but no database driver and no native addon (@s2/native is only a loader:
 * without an addon the codecs fall back to JavaScript), and both builds serve a call in-process
 * and on worker threads (the CommonJS build finds dist/pool-worker.cjs).
 */
import { describe, expect, it } from 'vitest';
import { onlineInstallGate, useOnlineApp } from './support/install-online.js';

const FUNCTIONS = `import { t, udf } from '@s2/udf';
export const triple = udf({ name: 'triple', args: { x: t.bigint() }, returns: t.bigint() }, (x) => x * 3n);
`;

const program = (kind: 'esm' | 'cjs') => `${
  kind === 'esm'
    ? "import { createUdfServer, encodeRowdat1, decodeRowdat1 } from '@s2/udf'; import { join } from 'node:path';"
    : "const { createUdfServer, encodeRowdat1, decodeRowdat1 } = require('@s2/udf'); const { join } = require('node:path');"
}
(async () => {
  const { triple } = await import('./functions.mjs');
  const out = [];
  for (const workers of [undefined, { module: join(process.cwd(), 'functions.mjs'), count: 1 }]) {
    const app = await createUdfServer({ functions: [triple], workers });
    const res = await app.inject({ method: 'POST', url: '/invoke', payload: Buffer.from(encodeRowdat1([8], [1], [[14n]])),
      headers: { 'content-type': 'application/octet-stream', 's2-ef-name': 'triple', 's2-ef-version': '1.0' } });
    out.push([res.statusCode, String(decodeRowdat1([8], res.rawPayload).rows[0][0])]);
    await app.close();
  }
  process.stdout.write(JSON.stringify(out));
})();
`;

describe('@s2/udf installed alone with npm', onlineInstallGate('@s2/udf'), () => {
  const app = useOnlineApp(['base', 'native', 'udf'], ['udf']);

  it('brings @s2/base, @s2/native, fastify and apache-arrow; no driver, no addon', () => {
    const { packages, addons } = app();
    expect(packages.filter((p) => p.startsWith('@s2/'))).toEqual(['@s2/base', '@s2/native', '@s2/udf']);
    expect(packages).toEqual(expect.arrayContaining(['fastify', 'apache-arrow']));
    expect(packages.filter((p) => /^(mysql2?|mariadb|pg|@napi-rs\/.*)$/.test(p))).toEqual([]);
    expect(addons).toEqual([]);
  });

  it.each(['esm.mjs', 'cjs.cjs'])('%s serves a call in-process and on a worker thread', (file) => {
    app().runProgram('functions.mjs', FUNCTIONS);
    expect(JSON.parse(app().runProgram(file, program(file.startsWith('esm') ? 'esm' : 'cjs')))).toEqual([
      [200, '42'],
      [200, '42'],
    ]);
  });
});
