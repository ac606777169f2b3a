/** Every type a public constructor or property takes can be named from the package root. */
import { describe, expectTypeOf, it } from 'vitest';
import type { ConnectionClient, QueryRequest, S2Client, S2DrizzleSession, S2DrizzleTransaction, SingleStoreProbe } from '@s2/drizzle';

describe('@s2/drizzle type exports', () => {
  it('names the types S2DrizzleSession, S2DrizzleTransaction and ConnectionClient take', () => {
    type SessionArgs = ConstructorParameters<typeof S2DrizzleSession>;
    expectTypeOf<SessionArgs[0]>().toEqualTypeOf<S2Client>();
    expectTypeOf<SessionArgs[4]>().toEqualTypeOf<SingleStoreProbe>();
    expectTypeOf<ConstructorParameters<typeof S2DrizzleTransaction>[5]>().toEqualTypeOf<SingleStoreProbe>();
    expectTypeOf<Parameters<ConnectionClient['connection']['query']>[0]>().toEqualTypeOf<QueryRequest>();
  });
});
