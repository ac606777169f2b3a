/**
 * Clients of HTTP services that carry tokens or secrets (management, AI endpoints) never follow
 * a redirect: one would take the credentials, and with 307/308 the body, to whatever host the
 * Location names. These describe such an answer for the error the client raises.
 */

/** A 3xx, or a browser's opaque answer to a redirect under `redirect: 'manual'` (status 0). */
export function isRedirect(res: Pick<Response, 'type' | 'status'>): boolean {
  return res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400);
}

/**
 * Where a redirect points, for an error message: the Location's host only (its path or query
 * may carry something the other host handed out).
 */
export function redirectTarget(res: Pick<Response, 'headers'>, url: string): string {
  const location = res.headers.get('location');
  if (location === null) return 'no Location';
  try {
    return `Location host ${new URL(location, url).host}`;
  } catch {
    return 'an unreadable Location';
  }
}
