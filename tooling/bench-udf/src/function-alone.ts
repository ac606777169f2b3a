import type { Vector } from '@s2/udf';
import { functions } from './functions.js';
import { makeValues, type Kind } from './payloads.js';

/**
 * What no server can avoid paying per pass, however fast it parses, routes and answers, timed
 * alone in this process in batches like the requests' (the fastest of `passes` passes, so
 * leftover GC from setup does not count):
 * - `body`: the vectorized function itself over ready JavaScript values, the strings made the
 *   way the server makes them (one decode per column, then substrings);
 * - `strings`: for TEXT, turning the request's UTF-8 into those strings and the answer's strings
 *   back into UTF-8, in the cheapest form Node offers (one decode per column and substrings,
 *   one join and one encode per answer).
 */
export interface FunctionAlone {
  body: number;
  strings: number;
}

function fastest(passes: number, run: () => void): number {
  let best = Infinity;
  for (let p = 0; p < passes; p++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

export function timeFunctionBodies(rows: number, batch: number, passes = 5): Record<string, FunctionAlone> {
  const out: Record<string, FunctionAlone> = {};
  const signal = new AbortController().signal;
  for (const [name, kind, seed] of [
    ['add_one_vec', 'bigint', 1],
    ['upper_vec', 'text', 2],
  ] as [string, Kind, number][]) {
    const def = functions.find((f) => f.name === name)!;
    const all = makeValues(kind, rows, seed);
    const columns: Vector[] = [];
    const utf8: { bytes: Buffer; offsets: number[] }[] = [];
    for (let first = 0; first < rows; first += batch) {
      const slice = all.slice(first, first + batch);
      if (kind === 'bigint') {
        columns.push({ values: BigInt64Array.from(slice as bigint[]), nulls: null });
        continue;
      }
      const strings = slice as string[];
      const offsets = [0];
      for (const s of strings) offsets.push(offsets[offsets.length - 1] + s.length);
      const bytes = Buffer.from(strings.join(''), 'utf8');
      utf8.push({ bytes, offsets });
      const decoded = bytes.toString('utf8');
      columns.push({ values: strings.map((_, i) => decoded.substring(offsets[i], offsets[i + 1])), nulls: null });
    }
    const body = fastest(passes, () => {
      for (const column of columns) def.fn(column, signal);
    });
    const strings =
      kind !== 'text'
        ? 0
        : fastest(passes, () => {
            for (const { bytes, offsets } of utf8) {
              const decoded = bytes.toString('utf8');
              const values = new Array<string>(offsets.length - 1);
              for (let i = 0; i < values.length; i++) values[i] = decoded.substring(offsets[i], offsets[i + 1]);
              Buffer.from(values.join(''), 'utf8');
            }
          });
    out[name] = { body, strings };
  }
  return out;
}
