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
