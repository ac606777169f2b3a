import { ManagementError } from '../errors.js';

/**
 * Redirects are never followed: one would take the token to whatever host the Location names,
 * and a 307/308 would replay the body (secret values, admin passwords) there too.
 */

/** A 3xx, or a browser's opaque answer to a redirect under `redirect: 'manual'` (status 0). */
export function isRedirect(res: Response): boolean {
  return res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400);
}

/** The error for a redirect answer: its status and target host (not the Location's path or query). */
export function redirectError(res: Response, url: string, method: string, path: string): ManagementError {
  const location = res.headers.get('location');
  let target = 'no Location';
  if (location !== null) {
    try {
      target = `Location host ${new URL(location, url).host}`;
    } catch {
      target = 'an unreadable Location';
    }
  }
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
