import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The release of the official Python SDK (`singlestoredb` on PyPI) that s2 is checked against. */
export const PYTHON_SDK_VERSION = '1.18.1';

export interface PythonSdk {
  /** The virtualenv's python, with `singlestoredb` importable. */
  python: string;
  /** Directory of shared helper modules for cross-check scripts (`s2_plain.py`). */
  helpers: string;
}

/**
 * One installer at a time: test files run in parallel workers, and two `pip install`s into the
 * same venv (or two `python -m venv`) corrupt it. A lock directory, taken over when stale.
 */
async function withInstallLock<T>(venv: string, fn: () => Promise<T>): Promise<T> {
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
 * A private virtualenv under the temp dir named `name`, with pinned `specs` installed once and
 * checked by running the Python code `check` with its interpreter. Resolves to the python
 * path, or to the reason it cannot be had (no python3, no venv module, pip failing), so tests
 * can say why they do not run.
 */
export async function pythonVenv(name: string, specs: readonly string[], check: string): Promise<{ python: string } | { unavailable: string }> {
  const venv = join(tmpdir(), name);
  const python = join(venv, 'bin', 'python');
  const ready = () =>
    run(python, ['-c', check], { timeout: 120_000 }).then(
      () => true,
      () => false,
    );
  try {
    if (existsSync(python) && (await ready())) return { python };
    await withInstallLock(venv, async () => {
      if (!existsSync(python)) await run('python3', ['-m', 'venv', venv], { timeout: 120_000 });
      if (!(await ready())) await run(join(venv, 'bin', 'pip'), ['install', '--quiet', ...specs], { timeout: 900_000 });
    });
    await run(python, ['-c', check], { timeout: 120_000 });
    return { python };
  } catch (err) {
    return { unavailable: `cannot install ${specs.join(' ')}: ${(err as Error).message.split('\n')[0]}` };
  }
}

/** A pip requirement, with the module to import when it is not the name before the pin. */
export type PythonRequirement = string | { pip: string; module: string };

/**
 * The official Python SDK in a private virtualenv (created and `pip install`ed on first use,
 * with `extras` such as 'pyarrow' or 'uvicorn'), for cross-implementation tests. Resolves to
 * the reason instead when Python, venv, pip or a package cannot be had.
 */
export async function pythonSdk(extras: readonly PythonRequirement[] = []): Promise<PythonSdk | { unavailable: string }> {
  // By default the module to import is the pip name before any version pin, with dashes as
  // underscores ('pyarrow' imports pyarrow); packages that import under another name say so.
  const requirements = [`singlestoredb==${PYTHON_SDK_VERSION}`, ...extras].map((r) =>
    typeof r === 'string' ? { pip: r, module: r.split(/[=<>~!\[]/)[0]!.replace(/-/g, '_') } : r,
  );
  const specs = requirements.map((r) => r.pip);
  const check = [
    ...requirements.map((r) => `import ${r.module}`),
    `assert singlestoredb.__version__ == '${PYTHON_SDK_VERSION}', singlestoredb.__version__`,
  ].join('; ');
  const venv = await pythonVenv('s2-python-sdk-venv', specs, check);
  if ('unavailable' in venv) return venv;
  return { python: venv.python, helpers: fileURLToPath(new URL('../python', import.meta.url)) };
}

/**
 * Runs a cross-check script with the SDK's python: `input` as JSON on stdin (bigints as
 * `replacer` says), the JSON it prints as the result; a non-zero exit rejects with its stderr.
 */
export function runPythonJson<T>(sdk: PythonSdk, script: string, input: unknown, replacer?: (key: string, value: unknown) => unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(sdk.python, [script], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, S2_PY_HELPERS: sdk.helpers } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(err || `python exited with ${code}`))));
    child.stdin.end(JSON.stringify(input, replacer));
  });
}
