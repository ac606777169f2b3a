/** nativeStatus() when connections ask for the TypeScript decoders (pure_js), alone or beside others. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nativeStatus, withOptions } from '@s2/core';
import { open, serverUrl } from './support.js';

const PURE_JS_NOTE = 'pure_js (the pureJs option, pure_js in the URL or SINGLESTOREDB_PURE_JS)';
const coreEntry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** nativeStatus() in a fresh process after one connect(), as a program would print it. */
async function statusInFreshProcess(env: NodeJS.ProcessEnv, connectOptions: string): Promise<{ kind: string; loaded: boolean; source: string }> {
  const program = `
    const { connect, nativeStatus } = await import(${JSON.stringify(coreEntry)});
    const conn = await connect(${JSON.stringify(serverUrl())}, ${connectOptions});
    const { loaded, source } = nativeStatus();
    process.stdout.write(JSON.stringify({ kind: conn.decoder.kind, loaded, source }));
    await conn.close();`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=s2-source', '--import', 'tsx', '--input-type=module', '-e', program], {
    env: { ...process.env, ...env },
  });
  return JSON.parse(stdout);
}

describe('nativeStatus() and pure_js', () => {
  it('says the addon was not used because of SINGLESTOREDB_PURE_JS or the pureJs option', { timeout: 60_000 }, async () => {
    const viaEnv = await statusInFreshProcess({ SINGLESTOREDB_PURE_JS: '1' }, '{}');
    expect(viaEnv).toEqual({ kind: 'pure', loaded: false, source: `disabled by ${PURE_JS_NOTE}; @s2/native was not looked for` });
    const viaOption = await statusInFreshProcess({ SINGLESTOREDB_PURE_JS: '', SINGLESTOREDB_PURE_PYTHON: '' }, '{ pureJs: true }');
    expect(viaOption).toEqual(viaEnv);
  });

  it('reports the addon and, while the latest connection set pure_js, that it decodes in TypeScript', async () => {
    // The suite may run with SINGLESTOREDB_PURE_JS set: here only the pureJs option asks for TypeScript.
    await withOptions({ pure_js: null }, async () => {
      const auto = await open();
      const addon = nativeStatus();
      expect(addon.source).not.toContain(PURE_JS_NOTE);
      expect(auto.decoder.kind).toBe(addon.loaded ? 'native' : 'pure');
      const pure = await open({ pureJs: true });
      expect(pure.decoder.kind).toBe('pure');
      // The addon's state is the process's; the pure_js connection is named beside it.
      expect(nativeStatus()).toEqual({ ...addon, source: `${addon.source}; the latest connection set ${PURE_JS_NOTE} and decodes in TypeScript` });
      const again = await open();
      expect(nativeStatus()).toEqual(addon);
      await Promise.all([auto.close(), pure.close(), again.close()]);
    });
  });
});
