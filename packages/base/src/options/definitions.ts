import type { OptionType } from './validators.js';

export interface OptionDefinition {
  /** Dotted name, e.g. 'results.type'. */
  name: string;
  type: OptionType;
  default: unknown;
  /** Environment variables consulted, in order (each also without underscores). */
  env: readonly string[];
  description: string;
}

const str = (oneOf?: readonly string[], note?: string): OptionType => ({ kind: 'string', oneOf, note });
const int = (min?: number, max?: number): OptionType => ({ kind: 'int', min, max });
const bool: OptionType = { kind: 'bool' };
const optBool: OptionType = { kind: 'optional-bool' };
const map: OptionType = { kind: 'map' };

const E = (s: string) => [`SINGLESTOREDB_${s}`];
const EF = (s: string) => [`SINGLESTOREDB_EXT_FUNC_${s}`];

export const RESULTS_TYPES = [
  'tuple',
  'tuples',
  'namedtuple',
  'namedtuples',
  'dict',
  'dicts',
  'object',
  'objects',
  'structsequence',
  'structsequences',
  'columns',
  'numpy',
  'pandas',
  'polars',
  'arrow',
  'pyarrow',
] as const;

/** Every option of the Python SDK (wire.md §2.2) plus the port's own. */
export const OPTION_DEFINITIONS: readonly OptionDefinition[] = [
  {
    name: 'host',
    type: str(),
    default: '127.0.0.1',
    env: ['SINGLESTOREDB_HOST', 'SINGLESTOREDB_URL'],
    description: 'Host name, IP address or full connection URL.',
  },
  { name: 'port', type: int(0, 65535), default: 0, env: E('PORT'), description: 'Port; 0 picks the driver default (3306, 80, 443).' },
  { name: 'http_port', type: int(0, 65535), default: 0, env: E('HTTP_PORT'), description: 'Default port of the http/https drivers.' },
  { name: 'user', type: str(), default: null, env: E('USER'), description: 'User name (the OS login name when unset).' },
  { name: 'password', type: str(), default: null, env: E('PASSWORD'), description: 'Password.' },
  { name: 'driver', type: str(), default: 'mysql', env: E('DRIVER'), description: "Connector: 'mysql', 'http' or 'https'." },
  { name: 'database', type: str(), default: null, env: E('DATABASE'), description: 'Initial database.' },
  {
    name: 'pure_js',
    type: optBool,
    default: null,
    env: ['SINGLESTOREDB_PURE_JS', 'SINGLESTOREDB_PURE_PYTHON'],
    description: 'true: never use the native decoder; false: require it; null: use it when available.',
  },
  { name: 'charset', type: str(), default: 'utf8mb4', env: E('CHARSET'), description: 'Session character set.' },
  {
    name: 'encoding_errors',
    type: str(
      ['strict', 'replace'],
      "only these two are supported: unlike the SingleStoreDB Python SDK, which takes any Python codec error handler ('ignore', 'backslashreplace'...), s2 has no others",
    ),
    default: 'strict',
    env: E('ENCODING_ERRORS'),
    description: "Invalid text in a text column: 'strict' raises, 'replace' substitutes U+FFFD (the only two supported).",
  },
  { name: 'local_infile', type: bool, default: false, env: E('LOCAL_INFILE'), description: 'Allow LOAD DATA LOCAL INFILE.' },
  { name: 'multi_statements', type: bool, default: false, env: E('MULTI_STATEMENTS'), description: 'Allow several statements in one query.' },
  { name: 'client_found_rows', type: bool, default: false, env: E('CLIENT_FOUND_ROWS'), description: 'Affected rows count matched rows.' },
  { name: 'ssl_key', type: str(), default: null, env: E('SSL_KEY'), description: 'Client private key file (PEM).' },
  { name: 'ssl_cert', type: str(), default: null, env: E('SSL_CERT'), description: 'Client certificate file (PEM).' },
  { name: 'ssl_ca', type: str(), default: null, env: E('SSL_CA'), description: 'CA file (PEM); turns on certificate verification.' },
  { name: 'ssl_cipher', type: str(), default: null, env: E('SSL_CIPHER'), description: 'OpenSSL cipher list.' },
  { name: 'tls_sni_servername', type: str(), default: null, env: E('TLS_SNI_SERVERNAME'), description: 'Name for SNI and the identity check.' },
  { name: 'ssl_disabled', type: bool, default: false, env: E('SSL_DISABLED'), description: 'Never use TLS.' },
  { name: 'ssl_verify_cert', type: optBool, default: null, env: E('SSL_VERIFY_CERT'), description: 'Verify the server certificate.' },
  { name: 'ssl_verify_identity', type: optBool, default: null, env: E('SSL_VERIFY_IDENTITY'), description: 'Verify the server host name.' },
  {
    name: 'tls_mode',
    type: str(['disabled', 'preferred', 'required', 'verify-ca', 'verify-full']),
    default: null,
    env: E('TLS_MODE'),
    description: "TLS policy; unset: 'preferred' for loopback hosts, 'verify-full' otherwise.",
  },
  { name: 'program_name', type: str(), default: null, env: [], description: 'Sent as the program_name connection attribute.' },
  { name: 'conn_attrs', type: map, default: null, env: [], description: 'Extra connection attributes.' },
  {
    name: 'credential_type',
    type: str(['password', 'jwt', 'browser_sso']),
    default: null,
    env: E('CREDENTIAL_TYPE'),
    description: "'jwt' sends the password (a token) with mysql_clear_password over TLS; 'browser_sso' is refused at connect() (pass a JWT with 'jwt').",
  },
  { name: 'sso_browser', type: str(), default: null, env: E('SSO_BROWSER'), description: 'Browser for the SSO flow.' },
  { name: 'autocommit', type: bool, default: true, env: E('AUTOCOMMIT'), description: 'Autocommit mode set after login.' },
  { name: 'buffered', type: bool, default: true, env: E('BUFFERED'), description: 'false: cursors stream rows from the server.' },
  { name: 'parse_json', type: bool, default: true, env: E('PARSE_JSON'), description: 'Parse JSON columns.' },
  { name: 'connect_timeout', type: int(1, 31_536_000), default: 10, env: E('CONNECT_TIMEOUT'), description: 'Seconds allowed for connecting and logging in.' },
  { name: 'nan_as_null', type: bool, default: false, env: E('NAN_AS_NULL'), description: 'Send NaN parameters as NULL instead of raising.' },
  { name: 'inf_as_null', type: bool, default: false, env: E('INF_AS_NULL'), description: 'Send ±Infinity parameters as NULL instead of raising.' },
  { name: 'track_env', type: bool, default: false, env: E('TRACK_ENV'), description: 'Reconnect when SINGLESTOREDB_URL changes.' },
  { name: 'enable_extended_data_types', type: bool, default: true, env: E('ENABLE_EXTENDED_DATA_TYPES'), description: 'Ask for VECTOR/BSON metadata.' },
  {
    name: 'vector_data_format',
    type: str(['json', 'binary', 'JSON', 'BINARY']),
    default: 'binary',
    env: E('VECTOR_DATA_FORMAT'),
    description: 'Projection of VECTOR values.',
  },
  {
    name: 'interpolate_query_with_empty_args',
    type: bool,
    default: false,
    env: E('INTERPOLATE_QUERY_WITH_EMPTY_ARGS'),
    description: 'Interpolate (un-double %%) even with empty params.',
  },
  { name: 'fusion.enabled', type: bool, default: false, env: E('FUSION_ENABLED'), description: 'Client-side Fusion SQL commands.' },
  { name: 'socket_options', type: map, default: null, env: [], description: 'Raw socket options (accepted for compatibility).' },
  {
    name: 'int64',
    type: str(['auto', 'bigint', 'string', 'number']),
    default: 'auto',
    env: E('INT64'),
    description: 'BIGINT values: number when safe else bigint (auto), or always bigint/string/number.',
  },
  {
    name: 'decimal',
    type: str(['string', 'number']),
    default: 'string',
    env: E('DECIMAL'),
    description: 'DECIMAL values as exact strings or (lossy) numbers.',
  },
  { name: 'timezone', type: str(), default: 'local', env: E('TIMEZONE'), description: "Zone for reading and writing dates: 'local', 'Z' or '+HH:MM'." },
  { name: 'date_strings', type: bool, default: false, env: E('DATE_STRINGS'), description: 'Return DATE/DATETIME/TIMESTAMP/TIME as text.' },
  { name: 'results.type', type: str(RESULTS_TYPES), default: 'tuples', env: E('RESULTS_TYPE'), description: 'Row shape of results.' },
  { name: 'results.arraysize', type: int(1), default: 1, env: E('RESULTS_ARRAYSIZE'), description: 'Default fetchmany size.' },
  { name: 'management.token', type: str(), default: null, env: E('MANAGEMENT_TOKEN'), description: 'Management API token.' },
  { name: 'management.base_url', type: str(), default: 'https://api.singlestore.com', env: E('MANAGEMENT_BASE_URL'), description: 'Management API base URL.' },
  {
    name: 'management.version',
    type: str(),
    default: 'v2',
    env: E('MANAGEMENT_VERSION'),
    description: 'Management API version (v2 by default since singlestoredb 1.18; v1 for workspace groups and workspaces).',
  },
  {
    name: 'management.trace',
    type: bool,
    default: false,
    env: E('MANAGEMENT_TRACE'),
    description: 'Log every management API call (method, path, status, attempts, duration) to stderr.',
  },
  { name: 'external_function.url', type: str(), default: 'http://localhost:8000/invoke', env: EF('URL'), description: 'URL of the external function server.' },
  { name: 'external_function.app_mode', type: str(['remote', 'collocated', 'managed']), default: 'remote', env: EF('APP_MODE'), description: 'Server mode.' },
  { name: 'external_function.data_format', type: str(['rowdat_1', 'json']), default: 'rowdat_1', env: EF('DATA_FORMAT'), description: 'Payload format.' },
  { name: 'external_function.data_version', type: str(), default: '1.0', env: EF('DATA_VERSION'), description: 'Payload format version.' },
  { name: 'external_function.link_name', type: str(), default: null, env: EF('LINK_NAME'), description: 'Link for CREATE EXTERNAL FUNCTION.' },
  { name: 'external_function.link_config', type: str(), default: null, env: EF('LINK_CONFIG'), description: 'Link configuration (JSON).' },
  { name: 'external_function.link_credentials', type: str(), default: null, env: EF('LINK_CREDENTIALS'), description: 'Link credentials (JSON).' },
  { name: 'external_function.replace_existing', type: bool, default: false, env: EF('REPLACE_EXISTING'), description: 'CREATE OR REPLACE.' },
  { name: 'external_function.socket_path', type: str(), default: null, env: EF('SOCKET_PATH'), description: 'Socket of the collocated server.' },
  { name: 'external_function.max_connections', type: int(1), default: 32, env: EF('MAX_CONNECTIONS'), description: 'Connections of the collocated server.' },
  {
    name: 'external_function.process_mode',
    type: str(['thread', 'subprocess']),
    default: 'subprocess',
    env: EF('PROCESS_MODE'),
    description: 'Collocated server process model.',
  },
  { name: 'external_function.single_thread', type: bool, default: false, env: EF('SINGLE_THREAD'), description: 'Serve on one thread.' },
  { name: 'external_function.log_level', type: str(['info', 'debug', 'warning', 'error']), default: 'info', env: EF('LOG_LEVEL'), description: 'Log level.' },
  { name: 'external_function.log_file', type: str(), default: null, env: EF('LOG_FILE'), description: 'Log file.' },
  { name: 'external_function.name_prefix', type: str(), default: '', env: EF('NAME_PREFIX'), description: 'Prefix of function names.' },
  { name: 'external_function.name_suffix', type: str(), default: '', env: EF('NAME_SUFFIX'), description: 'Suffix of function names.' },
  { name: 'external_function.function_database', type: str(), default: '', env: EF('FUNCTION_DATABASE'), description: 'Database of the functions.' },
  {
    name: 'external_function.connection',
    type: str(),
    default: null,
    env: [...EF('CONNECTION'), 'SINGLESTOREDB_URL'],
    description: 'Database URL for registration.',
  },
  { name: 'external_function.host', type: str(), default: 'localhost', env: EF('HOST'), description: 'Bind host.' },
  { name: 'external_function.port', type: int(0, 65535), default: 8000, env: EF('PORT'), description: 'Bind port.' },
  { name: 'external_function.timeout', type: int(1), default: 86400, env: EF('TIMEOUT'), description: 'Per-call timeout in seconds.' },
  { name: 'external_function.disable_metrics', type: bool, default: false, env: EF('DISABLE_METRICS'), description: 'Disable metrics.' },
  { name: 'external_function.app_name', type: str(), default: null, env: EF('APP_NAME'), description: 'Application name.' },
  { name: 'debug.queries', type: bool, default: false, env: E('DEBUG_QUERIES'), description: 'Print every statement to stderr.' },
  { name: 'debug.connection', type: bool, default: false, env: E('DEBUG_CONNECTION'), description: 'Dump packets.' },
];
