import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { SKIP_META_KEY, missingCommand, skipNow, skipUnless } from '@s2/testing/vitest';

const summarize = fileURLToPath(new URL('../../../tooling/summarize-vitest.mjs', import.meta.url));

/** A vitest JSON report with one file holding the given test results. */
function report(tests: { status: string; meta?: Record<string, unknown> }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 's2-skip-summary-'));
  const path = join(dir, 'report.json');
  const passed = tests.filter((t) => t.status === 'passed').length;
  const skipped = tests.filter((t) => t.status === 'skipped' || t.status === 'pending').length;
  writeFileSync(
    path,
    JSON.stringify({
      numPassedTests: passed,
      numFailedTests: 0,
      numPendingTests: skipped,
      numTodoTests: 0,
      testResults: [{ name: join(process.cwd(), 'packages/x/test/a.test.ts'), assertionResults: tests.map((t, i) => ({ title: `t${i}`, ...t })) }],
    }),
  );
  return path;
}

function run(path: string, env: Record<string, string> = {}) {
  const { S2_REQUIRE_ALL_CHECKS: _a, S2_REQUIRE_SKIP_REASONS: _b, ...base } = process.env;
  const r = spawnSync(process.execPath, [summarize, path], { encoding: 'utf8', env: { ...base, ...env } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const python = { status: 'skipped', meta: { [SKIP_META_KEY]: { kind: 'missing-tool', reason: 'python3 not found' } } };
const singlestore = { status: 'skipped', meta: { [SKIP_META_KEY]: { kind: 'opt-in', reason: 'set SINGLESTOREDB_URL to a SingleStore' } } };

describe('the test summary (tooling/summarize-vitest.mjs)', () => {
  it('lists every skipped check with its reason in the closing line', () => {
    const r = run(report([{ status: 'passed' }, python, python, singlestore, { status: 'skipped' }]));
    expect(r.status).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.at(-1)).toBe(
      'tests: 1 passed, 0 failed, 4 skipped (2 × missing-tool: python3 not found; 1 × opt-in: set SINGLESTOREDB_URL to a SingleStore; 1 × no reason recorded)',
    );
    expect(r.out).toContain('2 × missing-tool: python3 not found — packages/x/test/a.test.ts (2)');
  });

  it('with S2_REQUIRE_ALL_CHECKS=1 a missing-tool skip fails the run; opt-in skips do not', () => {
    expect(run(report([{ status: 'passed' }, python]), { S2_REQUIRE_ALL_CHECKS: '1' })).toMatchObject({
      status: 1,
      err: expect.stringMatching(/1 check\(s\) skipped for a missing tool/),
    });
    expect(run(report([{ status: 'passed' }, singlestore]), { S2_REQUIRE_ALL_CHECKS: '1' }).status).toBe(0);
    expect(run(report([{ status: 'passed' }, python])).status).toBe(0);
  });

  it('with S2_REQUIRE_SKIP_REASONS=1 a skip without a recorded reason fails the run', () => {
    expect(run(report([{ status: 'passed' }, { status: 'skipped' }]), { S2_REQUIRE_SKIP_REASONS: '1' }).status).toBe(1);
    expect(run(report([{ status: 'passed' }, singlestore]), { S2_REQUIRE_SKIP_REASONS: '1' }).status).toBe(0);
  });

  it('fails when no test ran', () => {
    expect(run(report([python])).status).toBe(1);
  });
});

describe('skipUnless / skipNow', () => {
  it('run when there is no reason; skip, print and record when there is one', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(skipUnless(null)).toEqual({});
      expect(skipUnless(undefined, 'opt-in')).toEqual({});
      expect(warn).not.toHaveBeenCalled();
      expect(skipUnless('no python3', 'missing-tool')).toEqual({ skip: true, meta: { s2Skip: { kind: 'missing-tool', reason: 'no python3' } } });
      expect(warn).toHaveBeenCalledWith('[skip] missing-tool: no python3');
    } finally {
      warn.mockRestore();
    }
  });

  it('skipNow records the reason on the running test before skipping it', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const task = { name: 'probe', meta: {} as Record<string, unknown> };
    const skipped = new Error('skipped');
    try {
      expect(() =>
        skipNow(
          {
            task,
            skip: () => {
              throw skipped;
            },
          },
          'addon not built',
        ),
      ).toThrow(skipped);
      expect(task.meta[SKIP_META_KEY]).toEqual({ kind: 'missing-tool', reason: 'addon not built' });
    } finally {
      warn.mockRestore();
    }
  });

  it('missingCommand names a command that does not run', () => {
    expect(missingCommand(process.execPath)).toBeNull();
    expect(missingCommand('s2-no-such-command-here')).toMatch(/^s2-no-such-command-here not runnable/);
    expect(missingCommand(process.execPath, ['-e', 'process.exit(3)'])).toMatch(/exited with 3/);
  });
});
