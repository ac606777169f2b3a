import { redirectTarget } from '@s2/base';
import { ManagementError } from '../errors.js';

/**
 * Redirects are never followed: one would take the token to whatever host the Location names,
 * and a 307/308 would replay the body (secret values, admin passwords) there too.
 */

/** The error for a redirect answer: its status and target host (not the Location's path or query). */
export function redirectError(res: Response, url: string, method: string, path: string): ManagementError {
  const target = redirectTarget(res, url);
  return new ManagementError(
    `${method} ${path} answered ${res.status || 'a redirect'} with ${target}: redirects are not followed (they would carry the token and the request elsewhere)`,
    { status: res.status || null, method, path },
  );
}

/**
 * Whether a fetch failure is the refusal of a redirect under `redirect: 'error'` (used for
 * streamed uploads): undici says "unexpected redirect" in the cause, other runtimes similar.
 */
export function isRefusedRedirect(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (/redirect/i.test(e.message)) return true;
  }
  return false;
}

/** The error for a redirect that fetch refused (its status and Location are not known then). */
export function refusedRedirectError(err: unknown, method: string, path: string): ManagementError {
  return new ManagementError(`${method} ${path} answered with a redirect: redirects are not followed (they would carry the token and the request elsewhere)`, {
    method,
    path,
    cause: err,
  });
}
