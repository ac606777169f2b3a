import { SERVER_CODE_BASE, SERVER_CODE_NAMES } from './server-code-names.js';

/** Client error numbers of libmysqlclient (errmsg.h) that the SDK raises or may meet. */
const CLIENT_CODE_NAMES: Readonly<Record<number, string>> = {
  2000: 'CR_UNKNOWN_ERROR',
  2001: 'CR_SOCKET_CREATE_ERROR',
  2002: 'CR_CONNECTION_ERROR',
  2003: 'CR_CONN_HOST_ERROR',
  2004: 'CR_IPSOCK_ERROR',
  2005: 'CR_UNKNOWN_HOST',
  2006: 'CR_SERVER_GONE_ERROR',
  2007: 'CR_VERSION_ERROR',
  2008: 'CR_OUT_OF_MEMORY',
  2009: 'CR_WRONG_HOST_INFO',
  2012: 'CR_SERVER_HANDSHAKE_ERR',
  2013: 'CR_SERVER_LOST',
  2014: 'CR_COMMANDS_OUT_OF_SYNC',
  2026: 'CR_SSL_CONNECTION_ERROR',
  2027: 'CR_MALFORMED_PACKET',
  2055: 'CR_SERVER_LOST_EXTENDED',
  2059: 'CR_AUTH_PLUGIN_CANNOT_LOAD',
  2061: 'CR_AUTH_PLUGIN_ERR',
};

let serverNames: string[] | null = null;

/**
 * The symbolic name of an error number ('ER_DUP_ENTRY' for 1062, 'CR_SERVER_LOST' for 2013),
 * or null for numbers without a well-known name (SingleStore-specific codes, for instance).
 */
export function errorCodeName(errno: number | null | undefined): string | null {
  if (errno == null) return null;
  const i = errno - SERVER_CODE_BASE;
  if (i >= 0 && i < 700) {
    serverNames ??= SERVER_CODE_NAMES.split(' ');
    return serverNames[i] ?? null;
  }
  return CLIENT_CODE_NAMES[errno] ?? null;
}
