import { ProgrammingError } from '@s2/base';

/**
 * Invalid arguments to a vector store call (the `singlestore-vectorstore` 0.1.5 Python package
 * raises ValueError for these).
 */
export class VectorStoreError extends ProgrammingError {
  static override readonly kind: string = 'VectorStoreError';
}

/** The named index is not in the registry table. */
export class IndexNotFoundError extends VectorStoreError {
  static override readonly kind: string = 'IndexNotFoundError';
  constructor(readonly indexName: string) {
    super(`Index ${indexName} does not exist.`);
  }
}

/**
 * The options argument of a call: an object. Defaults cover a missing one; `null`, an array or
 * a primitive would otherwise be a TypeError on `null.x` or be read as no options.
 */
export function requireOptions<T>(options: T, call: string): T {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new VectorStoreError(`${call} needs an options object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  return options;
}
