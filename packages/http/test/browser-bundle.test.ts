import { fileURLToPath } from 'node:url';
import { runInContext } from 'node:vm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { webOnlyContext } from '@s2/testing';
import { testServer } from '@s2/testing/vitest';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const base = fileURLToPath(new URL('../../base/src/index.ts', import.meta.url));
let gateway: DataApiGateway;

beforeAll(async () => {
  const info = testServer();
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
});
afterAll(() => gateway.close());

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    globalName: 'S2Http',
    alias: { '@s2/base': base },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

describe('@s2/http in a browser-like runtime', () => {
  it('bundles for the browser without any node: module', async () => {
    const code = await bundle();
    expect(code.length).toBeGreaterThan(1000);
    expect(code).not.toMatch(/["']node:/);
    expect(code).not.toMatch(/require\(["'](fs|net|tls|crypto|async_hooks)["']\)/);
  });

  it('queries through the gateway with only web globals available', async () => {
    const code = await bundle();
    const sandbox = webOnlyContext();
    runInContext(code, sandbox);
    const info = testServer();
    const run = runInContext(
      `(async () => {
      const conn = await S2Http.connectHttp({ host: '127.0.0.1', port: ${gateway.port}, driver: 'http', user: ${JSON.stringify(info.root.user)}, password: ${JSON.stringify(info.root.password)}, database: 's2_test' });
      const res = await conn.query("SELECT id, value, CAST(18446744073709551615 AS UNSIGNED) AS big, X'00ff' AS bin FROM data ORDER BY id LIMIT 2");
      const rows = await res.current.read();
      return { hasProcess: typeof process !== 'undefined', hasBuffer: typeof Buffer !== 'undefined', rows, binIsBytes: rows[0][3] instanceof Uint8Array, binLength: rows[0][3].length };
    })()`,
      sandbox,
    ) as Promise<{ hasProcess: boolean; hasBuffer: boolean; rows: unknown[][]; binIsBytes: boolean; binLength: number }>;
    const out = await run;
    expect(out.hasProcess).toBe(false);
    expect(out.hasBuffer).toBe(false);
    expect(out.rows.map((r) => r.slice(0, 3))).toEqual([
      ['a', 2, 18446744073709551615n],
      ['b', 2, 18446744073709551615n],
    ]);
    expect(out.binIsBytes).toBe(true);
    expect(out.binLength).toBe(2);
  });
});
