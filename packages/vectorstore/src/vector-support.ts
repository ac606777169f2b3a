import { VectorStoreError } from './errors.js';

/** The vector functions the store's statements call (SingleStore names, upper-cased). */
const VECTOR_FUNCTIONS = /\b(EUCLIDEAN_DISTANCE|DOT_PRODUCT|JSON_ARRAY_PACK|SCALAR_VECTOR_MUL|VECTOR_MUL|VECTOR_ELEMENTS_SUM)\b/i;

/**
 * Whether a server error says the server lacks SingleStore's vector support: a syntax error at
 * the `VECTOR(n, F32)` column type (1064, e.g. MariaDB or MySQL) or an unknown vector function
 * (1305). Other failures, a lost connection included, are not this.
 */
function lacksVectorSupport(err: unknown): boolean {
  const { errno, message } = (err ?? {}) as { errno?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  return (errno === 1064 && message.includes('F32')) || (errno === 1305 && VECTOR_FUNCTIONS.test(message));
}

/**
 * Runs a statement that needs the vector type or vector functions; on a server without them
 * the raw syntax or unknown-function error becomes a VectorStoreError that says what is
 * needed, with the server's error as its cause.
 */
export async function withVectorSupport<T>(call: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!lacksVectorSupport(err)) throw err;
    const { errno, sqlstate, errmsg, message } = err as { errno: number; sqlstate?: string | null; errmsg?: string | null; message: string };
    throw new VectorStoreError(`${call} needs SingleStore 8.5 or later (the VECTOR type and vector functions); the server said: ${errmsg ?? message}`, {
      errno,
      sqlstate: sqlstate ?? null,
      cause: err,
    });
  }
}
