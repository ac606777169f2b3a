import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementFake, type ManagementFake } from '@s2/fakes/management';

let fake: ManagementFake;
beforeAll(async () => {
  fake = await startManagementFake({ transitionMs: 50 });
});
afterAll(() => fake.close());

describe('the root entry on a web-only runtime (browser bundle in a context without Node globals)', () => {
  it('bundles for the browser without Node modules and manages clusters and a stage through fetch', async () => {
    const bundle = await esbuild.build({
      stdin: { contents: "import * as m from '@s2/management'; globalThis.s2m = m;", resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      conditions: ['s2-source'],
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]!.text;
    expect(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["'](node:|fs["']|net["']|http["'])/.exec(code)).toBeNull();
    const sandbox = createContext({
      fetch,
      URL,
      URLSearchParams,
      Headers,
      Request,
      Response,
      Blob,
      ReadableStream,
      TransformStream,
      TextEncoder,
      TextDecoder,
      AbortController,
      AbortSignal,
      setTimeout,
      clearTimeout,
      performance,
      atob,
      btoa,
      console,
      queueMicrotask,
      structuredClone,
    });
    runInContext(code, sandbox);
    sandbox.cfg = { baseUrl: fake.url, token: fake.token };
    const out = (await runInContext(
      `(async () => {
        const mgmt = s2m.createManagement({ ...cfg, env: {} });
        const region = await mgmt.regions.find('AWS', 'us-east-1');
        const c = await mgmt.clusters.create({ name: 'edge', region, waitOnActive: { interval: 0.02, timeout: 5 } });
        const body = new ReadableStream({ start(ctl) { ctl.enqueue(new TextEncoder().encode('from the edge')); ctl.close(); } });
        await c.stage.upload(body, 'edge.txt');
        return {
          noNode: typeof process === 'undefined' && typeof Buffer === 'undefined' && typeof require === 'undefined',
          state: c.state,
          text: await c.stage.downloadText('edge.txt'),
        };
      })()`,
      sandbox,
    )) as { noNode: boolean; state: string; text: string };
    expect(out).toEqual({ noNode: true, state: 'ACTIVE', text: 'from the edge' });
  });
});
