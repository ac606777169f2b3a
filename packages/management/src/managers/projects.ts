import type { Context } from '../context.js';
import { ManagementError } from '../errors.js';
import type { CallOptions } from '../http/client.js';
import type { Project } from '../models/region.js';
import { toDate } from '../util/dates.js';
import { NamedList } from '../util/named-list.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

export function parseProject(o: Record<string, unknown>): Project {
  return { id: String(o.projectID), name: String(o.name ?? ''), edition: (o.edition as string | undefined) ?? null, createdAt: toDate(o.createdAt) };
}

/** Projects of the organization (v2). */
export class ProjectManager {
  constructor(private readonly ctx: Context) {}

  async list(opts: CallOptions = {}): Promise<NamedList<Project>> {
    const rows = await this.ctx.client.json<Record<string, unknown>[]>({ path: 'projects', version: 'v2', signal: opts.signal });
    return NamedList.fromItems((rows ?? []).map(parseProject));
  }

  async get(id: string, opts: CallOptions = {}): Promise<Project> {
    return parseProject(await this.ctx.client.json({ path: `projects/${encodeURIComponent(id)}`, version: 'v2', signal: opts.signal }));
  }

  /** A project object → its id; a UUID as is; else the unique project with that name. */
  async idOf(project: Project | string, opts: CallOptions = {}): Promise<string> {
    if (typeof project !== 'string') return project.id;
    if (isUuid(project)) return project;
    const all = await this.list(opts);
    const matches = all.filter((p) => p.name === project);
    if (matches.length === 1) return matches[0]!.id;
    if (matches.length === 0) {
      throw new ManagementError(
        `No project named '${project}' exists in the current organization. Its projects are: ${all.map((p) => `${p.name} (${p.id})`).join(', ') || 'none'}.`,
      );
    }
    throw new ManagementError(`More than one project is named '${project}'; use an ID instead. The matching IDs are: ${matches.map((p) => p.id).join(', ')}.`);
  }
}
