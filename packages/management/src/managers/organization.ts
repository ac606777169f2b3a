import type { Context } from '../context.js';
import { ManagementError } from '../errors.js';
import type { CallOptions } from '../http/client.js';
import { str } from '../models/common.js';
import { parseOrganization, type Organization, type Secret } from '../models/organization.js';
import { toDate } from '../util/dates.js';

export function parseSecret(o: Record<string, unknown>): Secret {
  return {
    id: String(o.secretID),
    name: String(o.name),
    value: str(o.value),
    createdBy: str(o.createdBy),
    createdAt: toDate(o.createdAt),
    lastUpdatedBy: str(o.lastUpdatedBy),
    lastUpdatedAt: toDate(o.lastUpdatedAt),
    deletedBy: str(o.deletedBy),
    deletedAt: toDate(o.deletedAt),
  };
}

/** The current organization. */
export class OrganizationManager {
  constructor(private readonly ctx: Context) {}

  /** `GET organizations/current`. */
  async current(opts: CallOptions = {}): Promise<Organization> {
    return parseOrganization(await this.ctx.client.json({ path: 'organizations/current', signal: opts.signal }));
  }
}

/** Organization secrets (`secrets`). */
export class SecretsManager {
  constructor(private readonly ctx: Context) {}

  /** `GET secrets[?name=]`. */
  async list(opts: CallOptions & { name?: string } = {}): Promise<Secret[]> {
    const res = await this.ctx.client.json<{ secrets?: Record<string, unknown>[] }>({ path: 'secrets', query: { name: opts.name }, signal: opts.signal });
    return (res?.secrets ?? []).map(parseSecret);
  }

  /** The secret named `name` (its `value` included); an error when none or several match. */
  async get(name: string, opts: CallOptions = {}): Promise<Secret> {
    const found = (await this.list({ ...opts, name })).filter((s) => s.name === name);
    if (found.length === 0) throw new ManagementError(`Secret ${name} not found`, { status: 404 });
    if (found.length > 1) throw new ManagementError(`Multiple secrets found for ${name}`);
    return found[0]!;
  }

  /** Just the value of the secret `name`. */
  async value(name: string, opts: CallOptions = {}): Promise<string | null> {
    return (await this.get(name, opts)).value;
  }

  /** `POST secrets {name, value}` → the new secret's id. */
  async create(name: string, value: string, opts: CallOptions = {}): Promise<string> {
    const res = await this.ctx.client.json<{ secretID: string }>({ method: 'POST', path: 'secrets', json: { name, value }, signal: opts.signal });
    return res.secretID;
  }

  /** `PATCH secrets/{id} {value}`. */
  async update(id: string, value: string, opts: CallOptions = {}): Promise<void> {
    await this.ctx.client.request({ method: 'PATCH', path: `secrets/${encodeURIComponent(id)}`, json: { value }, signal: opts.signal });
  }

  /** `DELETE secrets/{id}`. */
  async delete(id: string, opts: CallOptions = {}): Promise<void> {
    await this.ctx.client.request({ method: 'DELETE', path: `secrets/${encodeURIComponent(id)}`, signal: opts.signal });
  }
}
