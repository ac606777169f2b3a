export type { Credentials, TestServerInfo, TestTlsInfo } from './server-info.js';
export { uniqueDatabaseName } from './server-info.js';
export { startMariaDb, type RunningMariaDb, type StartMariaDbOptions } from './mariadb/start.js';
export { freePort } from './mariadb/free-port.js';
export { externalServerInfo } from './external.js';
export { createTlsMaterial, type TlsMaterial } from './mariadb/tls-material.js';
export * from './fake-mysql/index.js';
export { PYTHON_SDK_VERSION, pythonSdk, pythonVenv, runPythonJson, type PythonRequirement, type PythonSdk } from './python-sdk.js';
export { webOnlyContext } from './web-sandbox.js';
