import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PythonSdk {
  /** The virtualenv's python, with `singlestoredb` importable. */
  python: string;
  /** Directory of shared helper modules for cross-check scripts (`s2_plain.py`). */
  helpers: string;
}

/**
 * The official Python SDK in a private virtualenv (created and `pip install`ed on first use),
 * for cross-implementation tests. Resolves to the reason instead when Python, venv, pip or the
 * package cannot be had, so tests can say why they do not run.
 */
export async function pythonSdk(): Promise<PythonSdk | { unavailable: string }> {
  const venv = join(tmpdir(), 's2-python-sdk-venv');
  const python = join(venv, 'bin', 'python');
  try {
    if (!existsSync(python)) await run('python3', ['-m', 'venv', venv], { timeout: 120_000 });
    await run(python, ['-c', 'import singlestoredb']).catch(() =>
      run(join(venv, 'bin', 'pip'), ['install', '--quiet', 'singlestoredb'], { timeout: 240_000 }));
    await run(python, ['-c', 'import singlestoredb']);
  } catch (err) {
    return { unavailable: (err as Error).message.split('\n')[0] };
  }
  return { python, helpers: fileURLToPath(new URL('../python', import.meta.url)) };
}
