import { t, udf, type UdfDefinition, type Vector } from '@s2/udf';

/**
 * The benchmark's functions, as an @s2/udf user would write them. The Python twins (same names,
 * same results) are in python/bench_functions.py.
 */
export const functions: UdfDefinition[] = [
  udf({ name: 'add_one', args: { x: t.bigint() }, returns: t.bigint() }, (x: bigint) => x + 1n),
  udf({ name: 'upper', args: { s: t.text() }, returns: t.text() }, (s: string) => s.toUpperCase()),
  udf({ name: 'add_one_vec', args: { x: t.bigint() }, returns: t.bigint(), vectorized: true }, (x: Vector<bigint>) => {
    const values = x.values;
    const out = new BigInt64Array(values.length);
    for (let i = 0; i < out.length; i++) out[i] = values[i] + 1n;
    return out;
  }),
  udf({ name: 'upper_vec', args: { s: t.text() }, returns: t.text(), vectorized: true }, (s: Vector<string>) => {
    const values = s.values;
    const out = new Array<string>(values.length);
    for (let i = 0; i < out.length; i++) out[i] = values[i].toUpperCase();
    return out;
  }),
];
