/**
 * Connection URLs in the forms that `connect()` of @s2/core accepts, as does
 * the SingleStoreDB Python SDK (singlestoredb 1.18.1).
 */
export interface UrlParts {
  user: string;
  password: string;
  host: string;
  port: number;
  database?: string;
}

function userInfo(user: string, password: string): string {
  // encodeURIComponent rather than the Python SDK's form encoding: a space must not become '+'.
  return `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
}

function tail(database: string | undefined): string {
  return database ? `/${encodeURIComponent(database)}` : '';
}

export function wireUrl(p: UrlParts): string {
  return `singlestoredb://${userInfo(p.user, p.password)}@${p.host}:${p.port}${tail(p.database)}`;
}

export function dataApiUrl(p: UrlParts, secure: boolean): string {
  return `singlestoredb+${secure ? 'https' : 'http'}://${userInfo(p.user, p.password)}@${p.host}:${p.port}${tail(p.database)}`;
}
