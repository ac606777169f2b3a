import type { UdfDefinition } from './udf.js';

function isDefinition(x: unknown): x is UdfDefinition {
  return typeof x === 'object' && x !== null && 'fn' in x && 'kind' in x && 'args' in x && 'returns' in x;
}

/** Every udf(...) definition a module namespace exports (named exports, or arrays of them), by name. */
export function definitionsIn(mod: Record<string, unknown>): UdfDefinition[] {
  const found = Object.values(mod)
    .flatMap((v) => (Array.isArray(v) ? v : [v]))
    .filter(isDefinition);
  return [...new Map(found.map((f) => [f.name, f])).values()];
}
