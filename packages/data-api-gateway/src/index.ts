export { startDataApiGateway, type DataApiGateway, type GatewayOptions } from './gateway.js';
export { dataTypeName, toDataApiJson } from './data-types.js';
