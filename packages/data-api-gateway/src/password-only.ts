import { MySQLError } from '@s2/base';
import type { WireConnection } from '@s2/wire';
import { cellJson } from './cells.js';
import { GatewayHttpError } from './errors.js';

/**
 * Server-side authentication plugins whose logins @s2/wire completes, each by proving the
 * password it was given: mysql_native_password, caching_sha2_password, sha256_password and
 * MariaDB's ed25519 directly; PAM and LDAP-simple by asking for the password in clear (which
 * wire sends over TLS or a Unix socket only). A plugin that needs any other exchange is refused
 * by wire itself (errno 2059).
 */
const PASSWORD_PLUGINS = new Set([
  'mysql_native_password',
  'caching_sha2_password',
  'sha256_password',
  'ed25519',
  'pam',
  'authentication_pam',
  'authentication_ldap_simple',
]);

const TOKEN = /'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`(?:[^`]|``)*`|[\w$]+|\S/gs;
const unquote = (t: string) => (/^['"`]/.test(t) ? t.slice(1, -1) : t).toLowerCase();

/**
 * The authentication plugins named in a `SHOW CREATE USER` statement, in either dialect:
 * MariaDB's `IDENTIFIED VIA a USING '…' OR b` and `IDENTIFIED BY PASSWORD '…'`, MySQL's
 * `IDENTIFIED WITH 'a' AS '…'` (factors joined by AND each have their own IDENTIFIED).
 * `IDENTIFIED BY` is the password plugin; a shape not recognised yields '?' so it is refused.
 */
export function accountPlugins(createUser: string): string[] {
  const tokens = createUser.match(TOKEN) ?? [];
  const word = (i: number) => (tokens[i] ?? '').toUpperCase();
  const plugins: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (word(i) !== 'IDENTIFIED') continue;
    if (word(i + 1) === 'BY') {
      plugins.push('mysql_native_password');
      continue;
    }
    if (word(i + 1) !== 'VIA' && word(i + 1) !== 'WITH') {
      plugins.push('?');
      continue;
    }
    let j = i + 2;
    for (;;) {
      plugins.push(tokens[j] === undefined ? '?' : unquote(tokens[j]));
      j++;
      if (['USING', 'AS', 'BY'].includes(word(j))) j += 2;
      if (word(j) !== 'OR') break;
      j++;
    }
    i = j - 1;
  }
  return plugins;
}

const refused = (message: string) => new GatewayHttpError(401, message, 1045, '28000');

/**
 * Over a Unix socket the server can let a login in without its password: MariaDB's unix_socket
 * and MySQL's auth_socket accept a client whose OS user matches the account, and that client is
 * the gateway process, whoever sent the HTTP request. No packet of the login shows it: when the
 * password fails, the server tries the account's next plugin and answers OK. So the account the
 * session landed on must name only plugins that check the password; any other is a 401, whatever
 * the password was (the gateway cannot tell which plugin let the session in). Anything that
 * keeps the definition from being read is a 401 too.
 */
export async function requirePasswordOnlyAccount(conn: WireConnection): Promise<void> {
  let definition: string;
  try {
    const response = await conn.query('SHOW CREATE USER CURRENT_USER()');
    const rows = response.current.columns ? await response.current.read() : [];
    await response.drain();
    // The session decodes every cell to its JSON text (JSON_CELLS).
    definition = JSON.parse(cellJson(rows[0]?.[0])) as string;
    if (typeof definition !== 'string') throw new Error('SHOW CREATE USER returned no statement');
  } catch (err) {
    // A lost session is the server's failure (502), not a doubt about the account.
    if (err instanceof MySQLError && err.errno && err.errno >= 2000 && err.errno < 3000) throw err;
    const why = err instanceof MySQLError ? (err.errmsg ?? err.message) : (err as Error).message;
    throw refused(
      `the gateway reaches the server over a Unix socket, where a login may pass without its password, and could not read the account's authentication methods (${why}); connect it over TCP instead`,
    );
  }
  const others = accountPlugins(definition).filter((p) => !PASSWORD_PLUGINS.has(p));
  if (others.length) {
    throw refused(
      `the account also accepts ${[...new Set(others)].join(', ')}, which does not check the password: over the gateway's Unix socket the server would let in the gateway's own OS user, not the HTTP client`,
    );
  }
}
