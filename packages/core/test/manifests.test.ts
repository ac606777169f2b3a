import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S2_VERSION } from '@s2/core';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const manifests = ['packages', 'apps'].flatMap((dir) =>
  readdirSync(join(root, dir)).map((name) => ({
    path: `${dir}/${name}/package.json`,
    json: JSON.parse(readFileSync(join(root, dir, name, 'package.json'), 'utf8')),
  })),
);
const published = manifests.filter((m) => !m.json.private);

describe('published package manifests', () => {
  it('finds the packages', () => {
    expect(published.map((m) => m.json.name)).toEqual(
      expect.arrayContaining([
        '@s2/core',
        '@s2/management',
        '@s2/fusion',
        '@s2/ai',
        '@s2/vectorstore',
        '@s2/drizzle',
        '@s2/kysely',
        '@s2/server',
        '@s2/fakes',
        '@s2/data-api-gateway',
        '@s2/cli',
      ]),
    );
  });

  it.each(published.map((m) => [m.path, m.json] as const))('%s: Apache-2.0, sideEffects declared, the one s2 version', (_path, json) => {
    expect(json.license).toBe('Apache-2.0');
    expect(typeof json.sideEffects === 'boolean' || Array.isArray(json.sideEffects)).toBe(true);
    // One fixed changesets group: every package carries the version S2_VERSION reports.
    expect(json.version).toBe(S2_VERSION);
  });
});
