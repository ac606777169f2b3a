/** One management API call as the tracing hook sees it (never with the token or a body). */
export interface TraceEvent {
  method: string;
  /** Path relative to the host, with the version: `/v2/clusters/…` (query string not included). */
  path: string;
  /** Final HTTP status, or null when no response arrived. */
  status: number | null;
  /** Requests sent for this call, retries included. */
  attempts: number;
  /** Wall time of the whole call in milliseconds. */
  ms: number;
  /** Error class name when the call failed without a response (timeout, network, abort). */
  error?: string;
}
