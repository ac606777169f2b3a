import { options } from '@s2/base';
import { loadNative, nativeStatus, type NativeBinding } from '@s2/native';
import { skipUnless } from '@s2/testing/vitest';

/**
 * Test/describe options for checks that need the addon: a missing build is a missing tool (CI
 * builds it); a run that disabled it on purpose (SINGLESTOREDB_PURE_JS) is an opt-out.
 */
export function needsAddon(): ReturnType<typeof skipUnless> {
  return skipUnless(
    loadNative() ? null : `the native addon is not loaded: ${nativeStatus().source}`,
    options.get('pure_js') === true ? 'opt-in' : 'missing-tool',
  );
}

/** What the addon's own ROWDAT_1 entry points did since the last take. */
export interface Rowdat1Calls {
  decoded: number;
  decodeThrew: number;
  encoded: number;
  encodeThrew: number;
}

/**
 * Counts the addon's own ROWDAT_1 decode and encode calls by wrapping them on the loaded
 * binding: the "native" path falls back to the pure codec where it has nothing to add, and
 * without this count a differential could compare the pure codec with itself.
 */
export function countRowdat1Calls(binding: NativeBinding): { take(): Rowdat1Calls; restore(): void } {
  const zero = (): Rowdat1Calls => ({ decoded: 0, decodeThrew: 0, encoded: 0, encodeThrew: 0 });
  let calls = zero();
  const { rowdat1Decode, rowdat1Encode } = binding;
  const counted =
    <A extends unknown[], R>(fn: (...args: A) => R, ok: keyof Rowdat1Calls, threw: keyof Rowdat1Calls) =>
    (...args: A): R => {
      try {
        const out = fn.apply(binding, args);
        calls[ok]++;
        return out;
      } catch (err) {
        calls[threw]++;
        throw err;
      }
    };
  binding.rowdat1Decode = counted(rowdat1Decode, 'decoded', 'decodeThrew');
  binding.rowdat1Encode = counted(rowdat1Encode, 'encoded', 'encodeThrew');
  return {
    take() {
      const seen = calls;
      calls = zero();
      return seen;
    },
    restore() {
      binding.rowdat1Decode = rowdat1Decode;
      binding.rowdat1Encode = rowdat1Encode;
    },
  };
}
