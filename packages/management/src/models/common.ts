/** Auto-suspend settings as the service reports them (request: `suspendType`, `suspendAfterSeconds`). */
export interface AutoSuspend {
  suspendType?: 'IDLE' | 'SCHEDULED' | 'DISABLED' | string;
  suspendAfterSeconds?: number;
  idleAfterSeconds?: number;
  idleChangedAt?: string;
  scheduledChangedAt?: string;
  scheduledSuspendAt?: string;
  suspendTypeChangedAt?: string;
  [key: string]: unknown;
}

/** Day (0 = Sunday … 6) and hour (0–23) of the maintenance window. */
export interface UpdateWindow {
  day: number;
  hour: number;
}

export interface ResumeAttachment {
  attachment: 'READWRITE' | 'READONLY' | string;
  database: string;
  error?: string | null;
  success: boolean;
}

export function str(v: unknown): string | null {
  return v == null ? null : String(v);
}

export function num(v: unknown): number | null {
  return v == null || v === '' ? null : Number(v);
}

export function bool(v: unknown): boolean | null {
  return v == null ? null : Boolean(v);
}

export function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/** `name=…, id=…` style rendering shared by the resource classes (no secrets). */
export function describe(className: string, fields: Record<string, unknown>): string {
  const parts = Object.entries(fields)
    .filter(([, v]) => v != null && v !== '' && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}=${v instanceof Date ? v.toISOString() : JSON.stringify(v)}`);
  return `${className}(${parts.join(', ')})`;
}
