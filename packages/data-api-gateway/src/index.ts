export { startDataApiGateway, type DataApiGateway, type GatewayOptions } from './gateway.js';
export { dataTypeName } from './data-type.js';
