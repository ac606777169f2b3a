/**
 * Visible skips. A test (or a whole `describe`) that cannot run here says why, at run time
 * (a console warning) and in vitest's JSON report (the test's `meta.s2Skip`), where
 * `tooling/summarize-vitest.mjs` lists every skipped check with its reason. Skips of kind
 * 'missing-tool' (the native addon, Python, Rust: things a CI machine is set up to have)
 * fail the run when `S2_REQUIRE_ALL_CHECKS=1`; 'opt-in' skips (a real SingleStore, Docker,
 * credentials) and 'platform' skips never do.
 *
 *   describe('native codec', skipUnless(nativeMissingReason(), 'missing-tool'), () => { ... });
 *   it('talks TLS', skipUnless(tlsReason), async () => { ... });
 *   it('compares with Python', async (ctx) => { const py = await pythonSdk(); if ('unavailable' in py) return skipNow(ctx, py.unavailable); ... });
 */

import { spawnSync } from 'node:child_process';

export type SkipKind = 'missing-tool' | 'opt-in' | 'platform';

export interface SkipRecord {
  kind: SkipKind;
  reason: string;
}

/** The key under a test's meta that carries its skip reason (read by the summary script). */
export const SKIP_META_KEY = 's2Skip';

interface GateOptions {
  skip?: boolean;
  // Partial<TaskMeta> in vitest's types: an open interface, so a plain record fits it.
  meta?: Record<string, unknown>;
}

function announce(record: SkipRecord, where?: string): void {
  console.warn(`[skip] ${where ? `${where}: ` : ''}${record.kind}: ${record.reason}`);
}

/**
 * Test/describe options: skip with `reason` when it is a string, run when it is null/undefined.
 * Pass as the second argument: `it(title, skipUnless(reason), fn)`.
 */
export function skipUnless(reason: string | null | undefined, kind: SkipKind = 'missing-tool', where?: string): GateOptions {
  if (reason === null || reason === undefined) return {};
  const record: SkipRecord = { kind, reason };
  announce(record, where);
  return { skip: true, meta: { [SKIP_META_KEY]: record } };
}

interface SkippableContext {
  task: { meta: object; name: string };
  skip(note?: string): never;
}

/**
 * Skip the running test now (for a precondition known only inside the test, e.g. after an
 * async probe), recording the reason. Never returns.
 */
export function skipNow(ctx: SkippableContext, reason: string, kind: SkipKind = 'missing-tool'): never {
  const record: SkipRecord = { kind, reason };
  (ctx.task.meta as Record<string, unknown>)[SKIP_META_KEY] = record;
  announce(record, ctx.task.name);
  return ctx.skip(`${kind}: ${reason}`);
}

/** The reason a command is not on PATH, or null when it runs (`cmd --version` style probe). */
export function missingCommand(cmd: string, args: readonly string[] = ['--version']): string | null {
  const r = spawnSync(cmd, [...args], { stdio: 'ignore', timeout: 30_000 });
  if (r.error) return `${cmd} not runnable: ${r.error.message}`;
  if (r.status !== 0) return `${cmd} ${args.join(' ')} exited with ${r.status}`;
  return null;
}
