/** snake_case keys of a user object to camelCase (one level deep inside nested objects too); camelCase stays. */
export function camelKeys<T extends object | null | undefined>(value: T): T {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = k.includes('_') ? k.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : k;
    out[key] = v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? camelKeys(v) : v;
  }
  return out as T;
}

/** `workspaceGroupID` → `workspace_group_id`, `ComputeCredit` → `compute_credit`. */
export function camelToSnake(s: string): string {
  return s
    .replace(/([A-Z]+)/g, '_$1')
    .toLowerCase()
    .replace(/^_/, '');
}

/** An object without its undefined and null members (the client sends only the set fields). */
export function compact<T extends Record<string, unknown>>(obj: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null) out[k] = v;
  return out as Partial<T>;
}
