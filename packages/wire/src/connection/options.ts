import type { DecodeOptions, RowDecoderFactory } from '@s2/base';

/**
 * TLS policy. The default depends on where the server is: for loopback hosts and Unix sockets
 * it is 'preferred' (traffic never leaves the machine); for every other host it is
 * 'verify-full' (TLS required, certificate checked against the CA, host name checked).
 */
export type TlsMode = 'disabled' | 'preferred' | 'required' | 'verify-ca' | 'verify-full';

export interface WireTlsOptions {
  mode?: TlsMode;
  /** Trusted CA certificates (PEM). Without it the system's CAs are used. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** OpenSSL cipher list. */
  ciphers?: string;
  /** Name for SNI and for the identity check, instead of the host. */
  servername?: string;
}

export interface WireOptions {
  host?: string;
  port?: number;
  /** Connect over a Unix socket instead of TCP. */
  socketPath?: string;
  user?: string;
  password?: string;
  database?: string;
  /** Session charset (default utf8mb4). */
  charset?: string;
  tls?: WireTlsOptions;
  /**
   * Allow LOAD DATA LOCAL INFILE (sets CLIENT_LOCAL_FILES). A request is answered only with
   * what the application offered for that statement: its `infile` data, or a file the
   * statement names that lies under `localInfileDir`. Anything else is refused (errno 2068).
   */
  localInfile?: boolean;
  /**
   * The directory LOCAL INFILE may read files from (like MySQL's local_infile_dir): a file
   * named in the statement is sent only when its real path (after `..` and symbolic links) is
   * inside it. Relative names are resolved against it. Unset: no file is ever read by name.
   */
  localInfileDir?: string;
  multiStatements?: boolean;
  /** Affected rows count matched rather than changed rows. */
  clientFoundRows?: boolean;
  /** Deadline of TCP + TLS + login + session setup, initCommand included (default 10 s). */
  connectTimeoutMs?: number;
  programName?: string;
  /** Extra connection attributes; built-in ones win on collision. */
  connAttrs?: Record<string, string>;
  /** Applied after login when not null (default true). */
  autocommit?: boolean | null;
  /** SingleStore: ask for extended type metadata (VECTOR/BSON) in column definitions (default true). */
  enableExtendedDataTypes?: boolean;
  /** SingleStore: projection of VECTOR values in rows (default 'binary'). */
  vectorDataFormat?: 'json' | 'binary';
  /** `SET sql_mode` after login. */
  sqlMode?: string;
  /** Statement run after login. */
  initCommand?: string;
  decodeOptions?: Partial<DecodeOptions>;
  /** Replaces the pure-TypeScript row decoder (e.g. with the native one). */
  rowDecoderFactory?: RowDecoderFactory;
  /** Server RSA public key (PEM) for sha256/caching_sha2 auth over plain TCP. */
  serverPublicKey?: string;
  /** Permit mysql_clear_password without TLS. */
  allowCleartextPassword?: boolean;
  /** Negotiate CLIENT_DEPRECATE_EOF when the server offers it (default true). */
  deprecateEof?: boolean;
  /**
   * Negotiate CLIENT_SESSION_TRACK when the server offers it (default: with MariaDB only): the
   * server then reports every change of the session's database (session_track_schema), which
   * `session.database` follows. Without it only selectDb() and a statement text that is one
   * `USE db` (or `DROP DATABASE` of the current one) are noticed. true asks any server that
   * offers it (MySQL 5.7+); SingleStoreDB is not asked by default, as the reference never asks.
   */
  sessionTrack?: boolean;
  /**
   * Default deadline of every statement in milliseconds (off by default); a statement's own
   * `timeoutMs` wins. At the deadline the statement settles with OperationalError 3024.
   */
  queryTimeoutMs?: number;
  /**
   * After a cancel (signal, deadline) the server gets this long to end the statement cleanly
   * (default 2000 ms); past it the session is discarded, since its state cannot be trusted.
   */
  cancelGraceMs?: number;
  /** Bytes of unread rows at which a streaming result stops reading the socket (default 4 MiB; it also pauses at 1,024 queued packets). */
  highWaterMark?: number;
  /**
   * Largest packet accepted from the server, in bytes (default 1 GiB, the most a server's
   * max_allowed_packet allows). A longer one fails the session with OperationalError 2020
   * instead of being buffered without bound.
   */
  maxAllowedPacket?: number;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])$/i;

export function resolveTlsMode(options: WireOptions): TlsMode {
  if (options.tls?.mode) return options.tls.mode;
  if (options.socketPath) return 'preferred';
  if (options.tls?.ca) return 'verify-full';
  return LOOPBACK.test(options.host ?? 'localhost') ? 'preferred' : 'verify-full';
}
