import type { Connection } from '@s2/core';

export const isDataApi = (conn: Connection): boolean => conn.params.driver === 'http' || conn.params.driver === 'https';

/**
 * Whether the server is SingleStoreDB (no savepoints). It answers `@@memsql_version`, which
 * MySQL and MariaDB lack; its handshake version looks like MySQL's, so that cannot tell.
 * Asked once per database object, unless `forced` settles it.
 */
export class SingleStoreProbe {
  private known: Promise<boolean> | undefined;
  constructor(forced: boolean | undefined) {
    if (forced !== undefined) this.known = Promise.resolve(forced);
  }

  of(conn: Connection): Promise<boolean> {
    this.known ??= conn.query("SHOW VARIABLES LIKE 'memsql_version'").then((rows) => rows.length > 0);
    this.known.catch(() => (this.known = undefined));
    return this.known;
  }
}
