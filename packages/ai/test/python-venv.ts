import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * One installer per venv at a time (test files run in parallel workers, and two pip installs
 * into one venv corrupt it): a lock directory, taken over when stale.
 */
async function withLock<T>(venv: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${venv}.lock`;
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 600_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * A private virtualenv under the temp dir with pinned `specs` installed (once), checked by
 * running `check` with its python. Resolves to the python path, or to the reason it cannot.
 */
export async function pythonVenv(name: string, specs: readonly string[], check: string): Promise<{ python: string } | { unavailable: string }> {
  const venv = join(tmpdir(), name);
  const python = join(venv, 'bin', 'python');
  const ready = () => run(python, ['-c', check], { timeout: 120_000 }).then(() => true, () => false);
  try {
    if (existsSync(python) && (await ready())) return { python };
    await withLock(venv, async () => {
      if (!existsSync(python)) await run('python3', ['-m', 'venv', venv], { timeout: 120_000 });
      if (!(await ready())) await run(join(venv, 'bin', 'pip'), ['install', '--quiet', ...specs], { timeout: 900_000 });
    });
    return (await ready()) ? { python } : { unavailable: `${specs.join(' ')} installed but the check failed` };
  } catch (err) {
    return { unavailable: `cannot install ${specs.join(' ')}: ${(err as Error).message.split('\n')[0]}` };
  }
}
