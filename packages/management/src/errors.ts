import { ManagementError as BaseManagementError } from '@s2/base';

export interface ManagementErrorDetails {
  /** HTTP status, or null for a client-side error (no token, timeout, bad argument...). */
  status?: number | null;
  /** HTTP method of the failed call. */
  method?: string | null;
  /** The request path relative to the versioned base URL (`/v2/clusters/…` without the host). */
  path?: string | null;
  /** The response body as text (trimmed), when the service answered. */
  body?: string | null;
  cause?: unknown;
}

/**
 * Every failure of the Management API client: an HTTP error (status, path and body set) or a
 * client-side one (status null). Part of the s2 hierarchy: `instanceof S2Error` holds, and so
 * does `instanceof ManagementError` of `@s2/base`.
 */
export class ManagementError extends BaseManagementError {
  static override readonly kind: string = 'ManagementError';
  readonly status: number | null;
  readonly method: string | null;
  readonly path: string | null;
  readonly body: string | null;

  constructor(message: string, details: ManagementErrorDetails = {}) {
    super(message, { errno: details.status ?? null, response: details.body ?? null, cause: details.cause });
    this.status = details.status ?? null;
    this.method = details.method ?? null;
    this.path = details.path ?? null;
    this.body = details.body ?? null;
  }
}

/** A local file-system style failure (exists, is a directory, …) with a Node-style code. */
export class ManagementFsError extends ManagementError {
  static override readonly kind: string = 'ManagementFsError';
  override readonly code: 'ENOENT' | 'EEXIST' | 'EISDIR' | 'ENOTDIR' | 'ENOTEMPTY' | 'EINVAL';
  constructor(code: ManagementFsError['code'], message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/** The optional peer `@s2/core` is needed (for `.connect()`) but not installed. */
export class MissingPeerError extends ManagementError {
  static override readonly kind: string = 'MissingPeerError';
  constructor(pkg: string, feature: string, cause?: unknown) {
    super(`${feature} needs the package ${pkg}; install it next to @s2/management (npm install ${pkg})`, { cause });
  }
}

// Export bodies carry storage and catalog credentials flat (aws_secret_access_key, catalog.credential, …).
const SECRET_KEY = /password|secret|token|credential|access_?key|private_?key|api_?key|value$/i;

/** A copy of a request body with every secret-looking value replaced by asterisks (recursively). */
export function maskSecrets(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v));
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskSecrets(v, k);
    return out;
  }
  if (typeof value === 'string' && value !== '' && SECRET_KEY.test(key) && !/^(name|userName)$/.test(key)) return '*'.repeat(value.length);
  return value;
}
