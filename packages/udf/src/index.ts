export * from './codecs/index.js';
export { t, type SqlType } from './definition/types.js';
export { udf, type UdfDefinition, type UdfFunction, type UdfSpec } from './definition/udf.js';
export { createFunctionSql, dropFunctionSql, type CreateFunctionOptions } from './definition/sql.js';
export { udfPlugin, createUdfServer, type UdfServerOptions } from './server/app.js';
export { invoke, formatOf, contentTypeOf, UdfCallError, type UdfFormat } from './server/invoke.js';
export { registerFunctions, dropFunctions, type SqlExecutor } from './definition/register.js';
export type { Vector } from './definition/vectors.js';
export { startCollocatedServer, type CollocatedServer, type CollocatedServerOptions } from './server/collocated.js';
