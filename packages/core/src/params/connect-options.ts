import type { ColumnDefinition } from '@s2/base';

export type ResultsType = 'tuples' | 'objects' | 'namedtuples' | (string & {});

/** Options of `connect()`. Each also has an option-registry name and a SINGLESTOREDB_* variable. */
export interface ConnectOptions {
  /** Host name, IP, or a full URL (`mysql://user:pw@host:3306/db`). */
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  /** 'mysql' (wire protocol) or 'http' / 'https' (Data API). */
  driver?: string;
  /** true: never use the native decoder; false: require it. */
  pureJs?: boolean | null;
  /** Negotiate LOAD DATA LOCAL INFILE; the data comes only from what each statement offers (see localInfileDir). */
  localInfile?: boolean;
  /**
   * The directory from which files named in `LOAD DATA LOCAL INFILE '<file>'` statements may be
   * read (like MySQL's local_infile_dir). Never taken from the environment.
   */
  localInfileDir?: string;
  charset?: string;
  /** Files (PEM) for TLS. */
  sslKey?: string;
  /** Without `sslKey`, this file must hold the private key too. */
  sslCert?: string;
  sslCa?: string;
  /** true: no TLS. false: TLS stays on (a lower layer's 'disabled' is passed over; its other TLS settings apply). */
  sslDisabled?: boolean;
  sslCipher?: string;
  sslVerifyCert?: boolean | null;
  sslVerifyIdentity?: boolean | null;
  tlsSniServername?: string;
  /** Explicit TLS policy; see @s2/wire. */
  tlsMode?: 'disabled' | 'preferred' | 'required' | 'verify-ca' | 'verify-full';
  /** 'browser_sso' is a NotSupportedError at connect(): pass a JWT as the password with 'jwt'. */
  credentialType?: 'password' | 'jwt' | 'browser_sso';
  autocommit?: boolean;
  resultsType?: ResultsType;
  /** false: cursors stream rows instead of reading them all during execute(). */
  buffered?: boolean;
  programName?: string;
  connAttrs?: Record<string, string>;
  multiStatements?: boolean;
  clientFoundRows?: boolean;
  /** Seconds (as in the SingleStoreDB Python SDK). */
  connectTimeout?: number;
  /**
   * Default deadline of every statement, in milliseconds (off by default); a statement's own
   * `timeoutMs` wins. Over the wire the statement settles with OperationalError 3024 at the
   * deadline and is killed on the server; over HTTP it bounds the whole request, body included.
   */
  queryTimeoutMs?: number;
  nanAsNull?: boolean;
  infAsNull?: boolean;
  /** Invalid UTF-8 in text: 'strict' (default) raises, 'replace' substitutes U+FFFD. The reference's other Python codec handlers ('ignore'...) are refused. */
  encodingErrors?: 'strict' | 'replace';
  enableExtendedDataTypes?: boolean;
  vectorDataFormat?: 'json' | 'binary';
  parseJson?: boolean;
  interpolateQueryWithEmptyArgs?: boolean;
  trackEnv?: boolean;
  /** BIGINT values: 'auto' (number when safe, else bigint), 'bigint', 'string', 'number'. */
  int64?: 'auto' | 'bigint' | 'string' | 'number';
  /** DECIMAL values: 'string' (exact) or 'number'. */
  decimal?: 'string' | 'number';
  /** Zone for DATE/DATETIME values both ways: 'local', 'Z', '+HH:MM'. */
  timezone?: string;
  /** DATE/DATETIME/TIMESTAMP/TIME as server text. */
  dateStrings?: boolean;
  /** Per type-code value decoders (never taken from env or URL). */
  conv?: Record<number, (value: string | Uint8Array, column: ColumnDefinition) => unknown>;
  socketOptions?: Record<string, unknown>;
  /** Deprecated alias of resultsType. */
  resultsFormat?: ResultsType;
}

/** `connect()` options after URL parsing, env vars and defaults. */
export interface ResolvedConnectParams extends ConnectOptions {
  host: string;
  port: number;
  driver: string;
  resultsType: ResultsType;
}

/** camelCase option → snake_case name used by the option registry, env vars and URLs. */
export const PARAM_NAMES: Record<keyof ConnectOptions, string> = {
  host: 'host',
  port: 'port',
  user: 'user',
  password: 'password',
  database: 'database',
  driver: 'driver',
  pureJs: 'pure_js',
  localInfile: 'local_infile',
  localInfileDir: 'local_infile_dir',
  charset: 'charset',
  sslKey: 'ssl_key',
  sslCert: 'ssl_cert',
  sslCa: 'ssl_ca',
  sslDisabled: 'ssl_disabled',
  sslCipher: 'ssl_cipher',
  sslVerifyCert: 'ssl_verify_cert',
  sslVerifyIdentity: 'ssl_verify_identity',
  tlsSniServername: 'tls_sni_servername',
  tlsMode: 'tls_mode',
  credentialType: 'credential_type',
  autocommit: 'autocommit',
  resultsType: 'results.type',
  buffered: 'buffered',
  programName: 'program_name',
  connAttrs: 'conn_attrs',
  multiStatements: 'multi_statements',
  clientFoundRows: 'client_found_rows',
  connectTimeout: 'connect_timeout',
  queryTimeoutMs: 'query_timeout_ms',
  nanAsNull: 'nan_as_null',
  infAsNull: 'inf_as_null',
  encodingErrors: 'encoding_errors',
  enableExtendedDataTypes: 'enable_extended_data_types',
  vectorDataFormat: 'vector_data_format',
  parseJson: 'parse_json',
  interpolateQueryWithEmptyArgs: 'interpolate_query_with_empty_args',
  trackEnv: 'track_env',
  int64: 'int64',
  decimal: 'decimal',
  timezone: 'timezone',
  dateStrings: 'date_strings',
  conv: 'conv',
  socketOptions: 'socket_options',
  resultsFormat: 'results_format',
};
