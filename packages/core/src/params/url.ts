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

/** Percent-decoding where '+' means a space, as in the reference (wire spec 1.3 rule 8). */
function decodePlus(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/** Does a `host` value look like a URL rather than a bare host name? */
export function looksLikeUrl(host: string): boolean {
  return /[:/@?]/.test(host);
}

/**
 * `[scheme://][user[:password]@]host[:port][/database][?key=value&...]` (wire spec 1.3).
 * A `singlestoredb+` scheme prefix is dropped; IPv6 literals lose their brackets.
 */
export function parseConnectionUrl(input: string): UrlParams {
  let text = input.trim();
  if (text.toLowerCase().startsWith('singlestoredb+')) text = text.slice('singlestoredb+'.length);
  if (!text.includes('//')) text = `//${text}`;
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?\/\/(?:([^@/?#]*)@)?(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?(\/[^?#]*)?(?:\?([^#]*))?(?:#.*)?$/.exec(text);
  if (!m) throw new OptionError(`Invalid connection URL: '${input}'`);
  const [, scheme, auth, rawHost, rawPort, path, queryString] = m;
  const out: UrlParams = { query: {} };
  if (scheme && scheme.toLowerCase() !== 'singlestoredb') out.driver = scheme.toLowerCase();
  if (auth !== undefined) {
    const colon = auth.indexOf(':');
    const user = colon < 0 ? auth : auth.slice(0, colon);
    if (user) {
      out.user = decodePlus(user);
      if (colon >= 0) out.password = decodePlus(auth.slice(colon + 1));
    }
  }
  if (rawHost) out.host = rawHost.replace(/^\[|\]$/g, '');
  if (rawPort !== undefined && rawPort !== '') {
    if (!/^\d+$/.test(rawPort) || Number(rawPort) > 65535) throw new OptionError(`Invalid port in connection URL: '${rawPort}'`);
    out.port = Number(rawPort);
  }
  if (path) {
    const db = path.split('/').find((seg) => seg.trim() !== '');
    if (db) out.database = decodePlus(db.trim());
  }
  if (queryString) {
    for (const pair of queryString.split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      const key = decodePlus(eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
      out.query[key] = decodePlus(eq < 0 ? '' : pair.slice(eq + 1));
    }
  }
  return out;
}
