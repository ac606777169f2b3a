/** A cloud region: at v2 `(provider, regionName)` identifies it; `id` exists at v1 only. */
export interface Region {
  readonly id: string | null;
  /** Human name, e.g. `US East 1 (N. Virginia)`. */
  readonly name: string;
  /** `AWS`, `GCP` or `Azure`. */
  readonly provider: string;
  /** Provider code, e.g. `us-east-1`. */
  readonly regionName: string | null;
}

export function parseRegion(o: Record<string, unknown>): Region {
  return {
    id: (o.regionID as string | undefined) ?? null,
    name: String(o.region ?? o.name ?? ''),
    provider: String(o.provider ?? ''),
    regionName: (o.regionName as string | undefined) ?? null,
  };
}

/** A project (v2): clusters belong to one. */
export interface Project {
  readonly id: string;
  readonly name: string;
  /** `SHARED`, `STANDARD` or `ENTERPRISE`. */
  readonly edition: string | null;
  readonly createdAt: Date | null;
}
