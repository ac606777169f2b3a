/**
 * A package that @s2/udf loads at run time without depending on it must be declared as an
 * optional peer, so that package managers and users can see it: tsx, with which worker threads
 * load TypeScript function modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const manifestPath = new URL('../package.json', import.meta.url);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

const numbers = (version: string) => version.replace(/^\^/, '').split('.').map(Number);

describe('the manifest of @s2/udf', () => {
  it('declares tsx (TypeScript modules on worker threads) as an optional peer', () => {
    expect(manifest.peerDependencies?.tsx).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(manifest.peerDependenciesMeta?.tsx?.optional).toBe(true);
  });

  it('accepts the tsx the worker-thread tests run with', () => {
    const [major, minor, patch] = numbers(manifest.peerDependencies?.tsx ?? '0.0.0');
    // Found the way the worker pool finds it: from the package's own folder.
    const tsxManifest = createRequire(manifestPath).resolve('tsx/package.json');
    const [iMajor, iMinor, iPatch] = numbers((JSON.parse(readFileSync(tsxManifest, 'utf8')) as { version: string }).version);
    expect(iMajor).toBe(major);
    expect(iMinor! * 1e6 + iPatch!).toBeGreaterThanOrEqual(minor! * 1e6 + patch!);
  });
});
