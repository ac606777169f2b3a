/**
 * What the `connect()` of a package that finds @s2/core at run time (a deployment of
 * @s2/management, a server of @s2/server) resolves to: an `@s2/core` Connection, described by
 * shape because those packages' typings are read by projects that did not install the optional
 * peer @s2/core (naming it would fail their type check). With @s2/core installed, ask for its
 * type: `await cluster.connect<Connection>(…)`.
 */
export interface DatabaseConnection {
  query<Row = unknown>(sql: string, params?: unknown, options?: { resultsType?: string }): Promise<Row[]>;
  close(): Promise<void>;
}
