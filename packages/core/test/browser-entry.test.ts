import { fileURLToPath } from 'node:url';
import { runInContext } from 'node:vm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { webOnlyContext } from '@s2/testing';
import { testServer } from '@s2/testing/vitest';

const src = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
let gateway: DataApiGateway;

beforeAll(async () => {
  const info = testServer();
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
});
afterAll(() => gateway.close());

/** @s2/core's browser entry bundled as a browser app would be (sources in place of the builds). */
async function bundle(): Promise<string> {
  const result = await build({
    stdin: { contents: "import * as core from '@s2/core/browser'; globalThis.S2 = core;", resolveDir: src('packages/core'), loader: 'js' },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    alias: {
      '@s2/core/browser': src('packages/core/src/browser.ts'),
      '@s2/base': src('packages/base/src/index.ts'),
      '@s2/http': src('packages/http/src/index.ts'),
    },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

describe("@s2/core's browser entry", () => {
  it('bundles without Node modules, @s2/wire or the accelerator', async () => {
    const code = await bundle();
    expect(code).not.toMatch(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']node:/);
    expect(code).not.toMatch(/class WireConnection|class PacketFramer|new AsyncLocalStorage|loadNative\(/);
    expect(code).toMatch(/connectHttp/);
  });

  it('connects over the Data API with only web globals, and says mysql:// needs Node', async () => {
    const sandbox = webOnlyContext();
    runInContext(await bundle(), sandbox);
    const info = testServer();
    const url = `http://${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}@127.0.0.1:${gateway.port}/${info.database}`;
    const out = (await runInContext(
      `(async () => {
      const conn = await S2.connect(${JSON.stringify(url)});
      const rows = await conn.query('SELECT 1 AS one, ? AS s', ['héllo']);
      const decoder = conn.decoder.kind;
      await conn.close();
      const err = await S2.connect('mysql://u:p@127.0.0.1:9/db').catch((e) => e);
      return { rows, decoder, status: S2.nativeStatus(), mysql: { name: err.name, message: err.message }, hasProcess: typeof process !== 'undefined' };
    })()`,
      sandbox,
    )) as { rows: unknown[][]; decoder: string; status: { loaded: boolean; source: string }; mysql: { name: string; message: string }; hasProcess: boolean };
    expect(out.hasProcess).toBe(false);
    expect(out.rows).toEqual([[1, 'héllo']]);
    expect(out.decoder).toBe('pure');
    expect(out.status.loaded).toBe(false);
    expect(out.mysql.name).toBe('NotSupportedError');
    expect(out.mysql.message).toMatch(/@s2\/wire.*does not run in browsers/);
  });
});
