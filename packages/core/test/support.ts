import { testServer } from '@s2/testing/vitest';
import { connect, setStatementHook, type ConnectOptions, type Connection } from '@s2/core';

/** URL of the throwaway server (root), optionally with a database. */
export function serverUrl(database = testServer().database): string {
  return `${testServer().url}/${database}`;
}

export function open(options: ConnectOptions = {}): Promise<Connection> {
  return connect(serverUrl(), options);
}

/** Statements as the statement hook sees them (parameters interpolated), passed on to the server. */
export function recordStatements(): string[] {
  const seen: string[] = [];
  setStatementHook((sql) => {
    seen.push(sql);
    return null;
  });
  return seen;
}
