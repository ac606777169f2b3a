import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { skipUnless } from '@s2/testing/vitest';

const script = fileURLToPath(new URL('../scripts/install-closure.mjs', import.meta.url));
const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' });
const noNpm = npm.status !== 0 ? 'npm is not on PATH' : null;

describe('@s2/management installed alone with npm', skipUnless(noNpm && `install-closure check: ${noNpm}`, 'missing-tool'), () => {
  it('pulls in @s2/base only: no database driver, no fastify, no native addon; ESM and CJS load', () => {
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const report = JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; detail: string }[]; installed: string[]; tarballs: Record<string, number> };
    console.log(`install closure: ${report.installed.join(', ')}; tarballs ${JSON.stringify(report.tarballs)}`);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.installed).toEqual(['@s2/base@0.1.0', '@s2/management@0.1.0']);
    expect(report.checks.length).toBe(8);
    expect(r.status).toBe(0);
  }, 300_000);
});
