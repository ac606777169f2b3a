import { MySQLError } from '@s2/base';

/**
 * A refusal the gateway makes itself (bad body, missing credentials, overload, timeout). Those
 * that stand for a server condition carry its MySQL errno; the others (400, 413, 415, ...) have
 * none and are answered with the bare message (see gatewayErrorText).
 */
export class GatewayHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errno = 0,
    readonly sqlstate = 'HY000',
  ) {
    super(message);
  }
}

/** The body of a server error: `Error <errno> (<SQLSTATE>): <message>`. */
export function errorText(errno: number, sqlstate: string | null, message: string): string {
  return `Error ${errno}${sqlstate ? ` (${sqlstate})` : ''}: ${message}`;
}

/** How Data API clients (the Python SDK, @s2/http) tell a server errno in the body. */
const ERRNO_BODY = /^Error\s+(\d+).*?:/s;

/**
 * The body of an error the gateway makes. Without a MySQL errno it is the bare message, so
 * that clients report the HTTP status as the errno (415 for a wrong Content-Type, as the Python
 * SDK's own tests expect) rather than an errno 0, which they take for an interface error. A
 * message that happens to read like an errno body is prefixed with the status instead.
 */
export function gatewayErrorText(status: number, errno: number, sqlstate: string | null, message: string): string {
  if (errno) return errorText(errno, sqlstate, message);
  return ERRNO_BODY.test(message) ? `Error ${status}: ${message}` : message;
}

const ACCESS_DENIED = new Set([1044, 1142, 1143, 1227, 1370]);

/**
 * @s2/wire's refusals of a login: the server switched to an authentication plugin it does not
 * speak (2059: gssapi, dialog, ... none of which would check the request's password) or asked
 * for something it will not send (2061: a clear-text password without TLS).
 */
const AUTH_REFUSED = new Set([2059, 2061]);

/**
 * HTTP status of a server error, by its SQLSTATE class: the caller's fault (syntax, unknown
 * table, bad data, constraint) is 4xx, the server's is 5xx. Clients read the errno from the
 * body either way; the status lets plain HTTP tooling tell them apart.
 */
export function statusOfServerError(errno: number, sqlstate: string | null): number {
  if (errno === 1045 || errno === 1698 || sqlstate === '28000') return 401;
  if (ACCESS_DENIED.has(errno)) return 403;
  if (errno === 1317 || errno === 3024 || errno === 1969) return 504;
  const cls = (sqlstate ?? 'HY').slice(0, 2);
  if (cls === '08') return 502;
  if (cls === '40') return 409;
  if (cls === 'HY' || cls === 'XA' || cls === '70') return 500;
  return 400;
}

/** Status and body for anything a request can throw. */
export function describeFailure(err: unknown): { status: number; body: string } {
  if (err instanceof GatewayHttpError) return { status: err.status, body: gatewayErrorText(err.status, err.errno, err.sqlstate, err.message) };
  if (err instanceof MySQLError && err.errno) {
    const sqlstate = err.sqlstate ?? (err.errno >= 2000 ? 'HY000' : null);
    // Client-side errors (2000+: lost connection, refused) mean the server behind us failed,
    // except a login the gateway would not complete: one by a method other than the password.
    const status = AUTH_REFUSED.has(err.errno) ? 401 : err.errno >= 2000 && err.errno < 3000 ? 502 : statusOfServerError(err.errno, sqlstate);
    return { status, body: errorText(err.errno, sqlstate, err.errmsg ?? err.message) };
  }
  const status = (err as { statusCode?: number } | null)?.statusCode;
  if (status && status >= 400 && status < 500) return { status, body: gatewayErrorText(status, 0, null, (err as Error).message) };
  return { status: 500, body: gatewayErrorText(500, 0, null, (err as Error)?.message ?? String(err)) };
}
