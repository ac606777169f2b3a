export interface Organization {
  readonly id: string;
  readonly name: string;
  readonly firewallRanges: string[];
}

function unwrap(v: unknown): unknown {
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}

export function parseOrganization(o: Record<string, unknown>): Organization {
  const fr = o.firewallRanges;
  return {
    id: String(unwrap(o.orgID)),
    name: (unwrap(o.name) as string | undefined) ?? '<unknown>',
    firewallRanges: Array.isArray(fr) ? fr.map(String) : typeof fr === 'string' ? [fr] : [],
  };
}

export interface Secret {
  readonly id: string;
  readonly name: string;
  readonly value: string | null;
  readonly createdBy: string | null;
  readonly createdAt: Date | null;
  readonly lastUpdatedBy: string | null;
  readonly lastUpdatedAt: Date | null;
  readonly deletedBy: string | null;
  readonly deletedAt: Date | null;
}
