import { Connection } from '@s2/core';
import { vectorDb, type VectorDb } from './vectordb.js';

declare module '@s2/core' {
  interface Connection {
    /**
     * A vector store on this connection, opened on first access and cached (added by
     * `@s2/vectorstore`; the connection is used as-is and never closed by the store).
     */
    readonly vectorDb: Promise<VectorDb>;
  }
}

const stores = new WeakMap<Connection, Promise<VectorDb>>();

// Core must not import the vector store (layering), so the store adds the getter itself.
if (!Object.getOwnPropertyDescriptor(Connection.prototype, 'vectorDb')) {
  Object.defineProperty(Connection.prototype, 'vectorDb', {
    configurable: true,
    get(this: Connection): Promise<VectorDb> {
      let store = stores.get(this);
      if (!store) {
        store = vectorDb(this);
        stores.set(this, store);
        // A failed open (no current database, no DDL rights) is retried on the next access.
        store.catch(() => stores.delete(this));
      }
      return store;
    },
  });
}
