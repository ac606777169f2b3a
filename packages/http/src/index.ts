export { connectHttp, HttpConnection, HTTP_CLIENT_VERSION, type HttpOptions, type HttpQueryOptions } from './connection.js';
export { bindDataApiArgs, type BoundStatement } from './args.js';
export { returnsRows, leadingKeyword } from './routing.js';
export { httpErrorClass, errorFromResponse } from './errors.js';
export { columnFromDataApi, valueConverter, type DataApiColumn } from './columns.js';
export { Semaphore } from './semaphore.js';
export { fetchTransport, undiciTransport, type Transport, type HttpRequest, type HttpAnswer } from './transport.js';
