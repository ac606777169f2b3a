import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Whether the runners' s2 can load the addon (same environment, same loader), and its file. */
export async function nativeLine(): Promise<{ line: string; file: string | null }> {
  // @s2/native is not a dependency of the bench package: load the workspace source, the module @s2/core uses.
  const nativeIndex = new URL('../../../packages/native/src/index.ts', import.meta.url);
  const { nativeStatus } = (await import(nativeIndex.href)) as typeof import('@s2/native');
  const st = nativeStatus();
  if (!st.loaded) return { line: `native addon NOT loaded: ${st.source}`, file: null };
  // A local build is a file already; a platform package is resolved the way the loader did.
  const file = st.source.endsWith('.node') ? st.source : createRequire(nativeIndex).resolve(st.source);
  return { line: `native addon loaded (${st.version ?? '?'}, ${st.triple}, from ${st.source.replace(root, '')})`, file };
}
