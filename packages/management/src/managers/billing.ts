import type { Context } from '../context.js';
import type { CallOptions } from '../http/client.js';
import { camelToSnake } from '../util/case.js';
import { fromDate, toDate } from '../util/dates.js';

export interface UsageItem {
  startTime: Date | null;
  endTime: Date | null;
  ownerId: string | null;
  resourceId: string | null;
  resourceName: string | null;
  resourceType: string | null;
  value: string | null;
}

export interface BillingUsageItem {
  /** `compute_credit` or `storage_avg_byte`. */
  metric: string;
  description: string | null;
  usage: UsageItem[];
}

function pick(o: Record<string, unknown>, ...keys: string[]): string | null {
  for (const k of keys) if (o[k] != null) return String(o[k]);
  return null;
}

function parseUsage(o: Record<string, unknown>): UsageItem {
  return {
    startTime: toDate(o.startTime),
    endTime: toDate(o.endTime),
    ownerId: pick(o, 'ownerID', 'ownerId'),
    resourceId: pick(o, 'resourceID', 'resourceId'),
    resourceName: pick(o, 'resourceName'),
    resourceType: pick(o, 'resourceType', 'resource_type'),
    value: pick(o, 'value'),
  };
}

/** Billing usage (`GET billing/usage`). */
export class BillingManager {
  static readonly COMPUTE_CREDIT = 'compute_credit';
  static readonly STORAGE_AVG_BYTE = 'storage_avg_byte';

  constructor(private readonly ctx: Context) {}

  async usage(
    o: {
      startTime: Date | string;
      endTime: Date | string;
      metric?: 'compute_credit' | 'storage_avg_byte' | string;
      aggregateBy?: 'hour' | 'day' | 'month';
    } & CallOptions,
  ): Promise<BillingUsageItem[]> {
    const metric = o.metric ? o.metric.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/^[a-z]/, (c) => c.toUpperCase()) : undefined;
    const res = await this.ctx.client.json<{ billingUsage?: Record<string, unknown>[] }>({
      path: 'billing/usage',
      query: { metric, startTime: fromDate(o.startTime), endTime: fromDate(o.endTime), aggregateBy: o.aggregateBy?.toLowerCase() },
      signal: o.signal,
    });
    return (res?.billingUsage ?? []).map((b) => ({
      metric: camelToSnake(String(b.metric ?? '')),
      description: b.description == null ? null : String(b.description),
      usage: ((b.usage ?? b.Usage ?? []) as Record<string, unknown>[]).map(parseUsage),
    }));
  }
}
