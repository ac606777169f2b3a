import type { Context } from '../context.js';
import { ManagementError } from '../errors.js';
import type { CallOptions } from '../http/client.js';
import { parseRegion, type Region } from '../models/region.js';
import { NamedList } from '../util/named-list.js';

const HOUR = 3_600_000;

/** Regions of dedicated deployments and of the shared tier (starter clusters), cached per manager for an hour. */
export class RegionManager {
  private cache = new Map<string, { at: number; value: Promise<NamedList<Region>> }>();

  constructor(
    private readonly ctx: Context,
    private readonly version?: string,
  ) {}

  private cached(path: string, opts: CallOptions & { refresh?: boolean }): Promise<NamedList<Region>> {
    const hit = this.cache.get(path);
    if (hit && !opts.refresh && Date.now() - hit.at < HOUR) return hit.value;
    const value = this.ctx.client
      .json<Record<string, unknown>[]>({ path, version: this.version, signal: opts.signal })
      .then((rows) => NamedList.fromItems((rows ?? []).map(parseRegion)));
    value.catch(() => this.cache.delete(path));
    this.cache.set(path, { at: Date.now(), value });
    return value;
  }

  /** `GET regions`. */
  list(opts: CallOptions & { refresh?: boolean } = {}): Promise<NamedList<Region>> {
    return this.cached('regions', opts);
  }

  /** `GET regions/sharedtier`: where starter clusters can be created. */
  sharedTier(opts: CallOptions & { refresh?: boolean } = {}): Promise<NamedList<Region>> {
    return this.cached('regions/sharedtier', opts);
  }

  /**
   * The region `(provider, regionName)` (provider case-insensitive; `regionName` may also be the
   * human name or, at v1, the id). Throws a ManagementError listing the candidates when unknown.
   */
  async find(provider: string | null | undefined, regionName: string, opts: CallOptions & { sharedTier?: boolean } = {}): Promise<Region> {
    const list = opts.sharedTier ? await this.sharedTier(opts) : await this.list(opts);
    const matches = list.filter(
      (r) =>
        (!provider || r.provider.toLowerCase() === provider.toLowerCase()) && (r.regionName === regionName || r.name === regionName || r.id === regionName),
    );
    if (matches.length === 1) return matches[0]!;
    const all = list.map((r) => `${r.provider} ${r.regionName ?? r.name}`).join(', ');
    if (matches.length === 0)
      throw new ManagementError(`No region ${provider ? `${provider} ` : ''}'${regionName}'; known regions: ${all || 'none'}`, { status: 404 });
    throw new ManagementError(`Region '${regionName}' is ambiguous (${matches.map((r) => r.provider).join(', ')}); name the provider too`);
  }
}
