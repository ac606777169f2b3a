import type { TlsMaterial } from './mariadb/tls-material.js';

/** What a test (or the quick-start example) needs to know about the server it talks to. */
export interface Credentials {
  user: string;
  password: string;
  /** Authentication plugin the account uses. */
  plugin: string;
}

/** Paths (and the CA text) of the throwaway TLS material. */
export type TestTlsInfo = TlsMaterial;

export interface TestServerInfo {
  host: string;
  port: number;
  /** Unix socket of a throwaway server; null for an external one. */
  socketPath: string | null;
  /** `mysql://root:<pw>@host:port` — append `/<database>` to pick a database. */
  url: string;
  root: Credentials;
  /** Accounts per authentication plugin; null where the server cannot provide one. */
  users: {
    native: Credentials | null;
    ed25519: Credentials | null;
    noPassword: Credentials | null;
    unicode: Credentials | null;
    tlsOnly: Credentials | null;
  };
  tls: TestTlsInfo | null;
  /**
   * Database holding the read-only standard fixtures: the tables of test.sql in
   * the SingleStoreDB Python SDK (singlestoredb 1.18.1).
   */
  database: string;
  /** true when SINGLESTOREDB_URL pointed the suite at a server it did not start. */
  external: boolean;
  /**
   * Data API URL with root's credentials and no database (`http://root:pw@host:port`): set when
   * the run uses the Data API (`USE_DATA_API=1`) or its server publishes one; null otherwise.
   */
  dataApiUrl?: string | null;
}

/** Unique per process and call: per-test-file databases never collide, even across parallel runs. */
export function uniqueDatabaseName(prefix = 's2'): string {
  const rand = Math.random().toString(36).slice(2, 8);
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${rand}`.replace(/[^A-Za-z0-9_]/g, '_');
}
