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
  return input.replace(/^([^/]*\/\/[^:@/?#]*:|[^:@/?#]*:)([^/?#]*)@/, (_m, head: string) => `${head}***@`);
}

/**
 * Does `text` (with its `//`) have no user part but an '@' after the host part ends? Then a
 * reserved character in a password ended the host part early: `u:pa#ss@h` would otherwise read
 * as host 'u', port 'pa', and `u:123/x@h` as host 'u', port 123. An '@' in a query value
 * (`?k=a@b`, after its '=') is no sign of that.
 */
function passwordCutShort(text: string): boolean {
  const rest = text.slice(text.indexOf('//') + 2);
  const end = rest.search(/[/?#]/);
  if (end < 0 || rest.slice(0, end).includes('@')) return false;
  const after = rest.slice(end);
  const hash = after.indexOf('#');
  const beforeHash = hash < 0 ? after : after.slice(0, hash);
  if (hash >= 0 && after.slice(hash).includes('@')) return true;
  const q = beforeHash.indexOf('?');
  const path = q < 0 ? beforeHash : beforeHash.slice(0, q);
  if (path.includes('@')) return true;
  if (q < 0) return false;
  const firstKey = beforeHash.slice(q + 1).split(/[=&]/)[0];
  return firstKey.includes('@');
}

/**
 * `[scheme://][user[:password]@]host[:port][/database][?key=value&...]` (wire.md §1.3).
 * A `singlestoredb+` scheme prefix is dropped; IPv6 literals lose their brackets.
 */
export function parseConnectionUrl(input: string): UrlParams {
  let text = input.trim();
  if (text.toLowerCase().startsWith('singlestoredb+')) text = text.slice('singlestoredb+'.length);
  if (!text.includes('//')) text = `//${text}`;
  if (passwordCutShort(text)) {
    // Whatever part of the URL we named would be a piece of the password: name none.
    throw new OptionError(
      "Invalid connection URL: an '@' follows the host part, so the password (or user name) probably contains a raw '/', '?' or '#'; percent-encode it (e.g. '/' as %2F, '?' as %3F, '#' as %23)",
    );
  }
  // Greedy up to the last '@' of the authority, as Python's urlparse: a raw '@' stays in the password.
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?\/\/(?:([^/?#]*)@)?(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?(\/[^?#]*)?(?:\?([^#]*))?(?:#.*)?$/.exec(text);
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
    // Not echoed: after a raw '#' or '/' in a password, the "port" is the start of the password.
    if (!/^\d+$/.test(rawPort) || Number(rawPort) > 65535) {
      throw new OptionError(
        "Invalid port in connection URL (not an integer from 0 to 65535); if the URL has a password with a raw '/', '?', '#' or '@', percent-encode it",
      );
    }
    out.port = Number(rawPort);
  }
  if (path) {
    const db = path.split('/').find((seg) => seg.trim() !== '');
    if (db) out.database = decodePlus(db.trim(), 'database name');
  }
  if (queryString) {
    for (const pair of queryString.split('&')) {
      const eq = pair.indexOf('=');
      // `key=` and a bare `key` are dropped, as the reference's parse_qs drops them: a templated
      // `?ssl_ca=${CA}` whose variable is empty means "not set", not an invalid value.
      if (eq < 0 || eq === pair.length - 1) continue;
      const key = decodePlus(pair.slice(0, eq), 'query string').toLowerCase();
      out.query[key] = decodePlus(pair.slice(eq + 1), `value of ${key}`);
    }
  }
  return out;
}
