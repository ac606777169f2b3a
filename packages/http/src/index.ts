export { connectHttp, HttpConnection, HTTP_CLIENT_VERSION, type HttpOptions, type HttpQueryOptions } from './connection.js';
export { bindDataApiArgs, type BoundStatement } from './args.js';
export { returnsRows, leadingKeyword } from './routing.js';
export { httpErrorClass, errorFromResponse } from './errors.js';
export { columnFromDataApi, valueConverter, type DataApiColumn } from './columns.js';
// The semaphore moved to @s2/base; still exported here for existing imports.
export { Semaphore } from '@s2/base';
export { fetchTransport, undiciTransport, type Transport, type HttpRequest, type HttpAnswer } from './transport.js';
