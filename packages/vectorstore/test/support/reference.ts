import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { pythonSdk, type PythonSdk } from '@s2/testing';

const run = promisify(execFile);
export const REFERENCE_SPEC = 'singlestore-vectorstore==0.1.5';

/**
 * The SingleStoreDB Python SDK (singlestoredb 1.18.1) with the reference package
 * singlestore-vectorstore 0.1.5 and numpy (its fetch/query call `.tolist()` on vectors), or
 * the reason they cannot be had. The package imports as `vectorstore`, which `pythonSdk`'s
 * name-from-spec check cannot know, so the extra install happens here, under the same lock.
 */
export async function referenceSdk(): Promise<PythonSdk | { unavailable: string }> {
  const sdk = await pythonSdk();
  if ('unavailable' in sdk) return sdk;
  const check = () => run(sdk.python, ['-c', 'import vectorstore, numpy, sqlalchemy']).then(() => true, () => false);
  if (await check()) return sdk;
  const lock = `${dirname(dirname(sdk.python))}.lock`;
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) return { unavailable: `timed out waiting for ${lock}` };
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!(await check())) await run(sdk.python, ['-m', 'pip', 'install', '--quiet', REFERENCE_SPEC, 'numpy'], { timeout: 600_000 });
  } catch (err) {
    return { unavailable: `pip install ${REFERENCE_SPEC} failed: ${(err as Error).message.split('\n')[0]}` };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return (await check()) ? sdk : { unavailable: `${REFERENCE_SPEC} does not import after installing` };
}
