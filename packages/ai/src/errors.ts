import { S2Error, type ErrorDetails } from '@s2/base';

/**
 * A request to an inference endpoint failed: an HTTP error status, an error event inside a
 * stream, a stream that ended before the reply did, a malformed reply, or a network failure
 * after the retries ran out.
 */
export class InferenceError extends S2Error {
  static override readonly kind: string = 'InferenceError';
  /** HTTP status of the failed reply; null for network failures and in-stream errors. */
  readonly status: number | null;
  /** The reply body (parsed JSON when it was JSON, else text), when there was one. */
  readonly body: unknown;
  /** The URL that was requested. */
  readonly url: string | null;

  constructor(message: string, details: ErrorDetails & { status?: number | null; body?: unknown; url?: string | null } = {}) {
    super(message, details);
    this.status = details.status ?? null;
    this.body = details.body;
    this.url = details.url ?? null;
  }
}

/** The endpoint did not answer within `timeoutMs` (per attempt). */
export class InferenceTimeoutError extends InferenceError {
  static override readonly kind: string = 'InferenceTimeoutError';
}
