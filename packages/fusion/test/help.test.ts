/**
 * Help texts: the reference's own documentation strings, compiled here, must give the same
 * syntax and the same Markdown help as the reference makes of them (read live from the Python
 * SDK; nothing of its prose is stored in this repository).
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { pythonSdk, runPythonJson, type PythonSdk } from '@s2/testing';
import { skipNow } from '@s2/testing/vitest';
import { compileGrammar } from '../src/index.js';

let sdk: PythonSdk | null = null;
let unavailable = '';

beforeAll(async () => {
  const found = await pythonSdk();
  if ('unavailable' in found) {
    unavailable = found.unavailable;
  } else sdk = found;
}, 600_000);

describe('help and syntax of the reference documentation strings', () => {
  it('compile to the same syntax and Markdown help', async (ctx) => {
    if (!sdk) return skipNow(ctx, unavailable);
    const script = fileURLToPath(new URL('./python/fusion_help.py', import.meta.url));
    const ref = await runPythonJson<Record<string, { doc: string; help: string; syntax: string }>>(sdk, script, {});
    expect(Object.keys(ref).length).toBe(65);
    for (const [key, { doc, help, syntax }] of Object.entries(ref)) {
      const g = compileGrammar(doc);
      expect(g.commandKey.join(' '), key).toBe(key);
      expect(g.syntax, key).toBe(syntax);
      expect(g.help, key).toBe(help);
    }
  }, 120_000);
});
