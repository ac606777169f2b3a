export {
  startManagementFake,
  type ManagementFake,
  type ManagementFakeOptions,
  type FaultRule,
  type RecordedRequest,
  type Seeder,
} from './management/server.js';
export type { FakeState, FakeRegion, Json } from './management/state.js';
export { OpenApiValidator, withoutNulls } from './management/openapi.js';
