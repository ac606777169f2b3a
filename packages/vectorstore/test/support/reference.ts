import { pythonSdk, type PythonSdk } from '@s2/testing';

export const REFERENCE_SPEC = 'singlestore-vectorstore==0.1.5';

/**
 * The SingleStoreDB Python SDK (singlestoredb 1.18.1) with the reference package
 * singlestore-vectorstore 0.1.5 (it imports as `vectorstore`) and numpy (its fetch/query call
 * `.tolist()` on vectors), or the reason they cannot be had.
 */
export function referenceSdk(): Promise<PythonSdk | { unavailable: string }> {
  return pythonSdk([{ pip: REFERENCE_SPEC, module: 'vectorstore' }, 'numpy', 'sqlalchemy']);
}
