import { OptionError } from '@s2/base';

/** Pieces of a connection URL that were present (absent parts stay undefined). */
export interface UrlParams {
  driver?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  /** Query-string keys, lower-cased; values still text. */
  query: Record<string, string>;
}

/** Percent-decoding where '+' means a space, as in the SingleStoreDB Python SDK (wire.md §1.3 rule 8). */
function decodePlus(s: string, what: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch (err) {
    throw new OptionError(`Invalid connection URL: malformed percent-escape in the ${what}`, { cause: err });
  }
}

/** An IPv6 address literal, bare (`::1`, `fe80::1%eth0`) or in brackets (`[::1]`). */
export function isIpv6Literal(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return /^[0-9A-Fa-f:.]+(%[\w.-]+)?$/.test(bare) && (bare.match(/:/g) ?? []).length >= 2;
}

/** Does a `host` value look like a URL rather than a bare host name or IP address? */
export function looksLikeUrl(host: string): boolean {
  return !isIpv6Literal(host) && /[:/@?]/.test(host);
}

/** The URL with any password replaced by `***`, for messages. */
export function redactUrl(input: string): string {
  return input.replace(/^([^/]*\/\/[^:@/?#]*:|[^:@/?#]*:)([^@/?#]*)@/, (_m, head: string) => `${head}***@`);
}

/**
 * `[scheme://][user[:password]@]host[:port][/database][?key=value&...]` (wire.md §1.3).
 * A `singlestoredb+` scheme prefix is dropped; IPv6 literals lose their brackets.
 */
export function parseConnectionUrl(input: string): UrlParams {
  let text = input.trim();
  if (text.toLowerCase().startsWith('singlestoredb+')) text = text.slice('singlestoredb+'.length);
  if (!text.includes('//')) text = `//${text}`;
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?\/\/(?:([^@/?#]*)@)?(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?(\/[^?#]*)?(?:\?([^#]*))?(?:#.*)?$/.exec(text);
  if (!m) throw new OptionError(`Invalid connection URL: '${redactUrl(input)}'`);
  const [, scheme, auth, rawHost, rawPort, path, queryString] = m;
  const out: UrlParams = { query: {} };
  if (scheme && scheme.toLowerCase() !== 'singlestoredb') out.driver = scheme.toLowerCase();
  if (auth !== undefined) {
    const colon = auth.indexOf(':');
    const user = colon < 0 ? auth : auth.slice(0, colon);
    if (user) {
      out.user = decodePlus(user, 'user name');
      if (colon >= 0) out.password = decodePlus(auth.slice(colon + 1), 'password');
    }
  }
  if (rawHost) out.host = rawHost.replace(/^\[|\]$/g, '');
  if (rawPort !== undefined && rawPort !== '') {
    if (!/^\d+$/.test(rawPort) || Number(rawPort) > 65535) throw new OptionError(`Invalid port in connection URL: '${rawPort}'`);
    out.port = Number(rawPort);
  }
  if (path) {
    const db = path.split('/').find((seg) => seg.trim() !== '');
    if (db) out.database = decodePlus(db.trim(), 'database name');
  }
  if (queryString) {
    for (const pair of queryString.split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      const key = decodePlus(eq < 0 ? pair : pair.slice(0, eq), 'query string').toLowerCase();
      out.query[key] = decodePlus(eq < 0 ? '' : pair.slice(eq + 1), `value of ${key}`);
    }
  }
  return out;
}
