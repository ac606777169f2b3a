import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { missingCommand, skipUnless } from '@s2/testing/vitest';

const script = fileURLToPath(new URL('../scripts/install-closure.mjs', import.meta.url));
const missing = missingCommand('npm') ?? missingCommand('pnpm');

describe('@s2/fusion installed alone with npm', skipUnless(missing && `install-closure check: ${missing}`, 'missing-tool'), () => {
  it('pulls in @s2/core, @s2/management and @s2/base only; ESM and CJS answer a Fusion statement through core', () => {
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const report = JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; detail: string }[]; installed: string[]; tarballs: Record<string, number> };
    console.log(`@s2/fusion install closure: ${report.installed.join(', ')}; tarballs ${JSON.stringify(report.tarballs)}`);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.installed).toEqual(['@s2/base@0.1.0', '@s2/core@0.1.0', '@s2/fusion@0.1.0', '@s2/management@0.1.0']);
    expect(report.checks.length).toBe(5);
    expect(r.status).toBe(0);
  }, 300_000);
});
