/** Every type a public constructor takes can be named from the package root. */
import { describe, expectTypeOf, it } from 'vitest';
import type { S2Adapter, S2Driver, TraitsProbe } from '@s2/kysely';

describe('@s2/kysely type exports', () => {
  it('names the probe S2Adapter takes and S2Driver makes', () => {
    expectTypeOf<ConstructorParameters<typeof S2Adapter>[0]>().toEqualTypeOf<TraitsProbe>();
    expectTypeOf<S2Driver['probe']>().toEqualTypeOf<TraitsProbe>();
  });
});
