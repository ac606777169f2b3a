import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MySQLError } from '@s2/base';
import { createManagement, ManagementFsError, type FileLocation, type Management, type TransferProgress } from '@s2/management';
import { HelpRequested, printObject, printRows, progressReporter, UsageError, type CliIo } from './io.js';
import { userPath } from '../paths.js';
import { loadFake, loadNodeHelpers } from './modules.js';
import { findCluster, findStage, findStarter } from './resolve.js';

export type { CliIo } from './io.js';

export const CLOUD_USAGE = `  s2 cloud clusters list | create NAME --region CODE [--provider P] [--size S] [--project P]
                   [--firewall CIDR ...] [--allow-all-traffic] [--wait] | suspend|resume|drop ID|NAME [--wait] [--force]
  s2 cloud starter list | create NAME --database DB --region CODE [--provider P] | drop ID|NAME
  s2 cloud regions [--shared-tier] | projects
  s2 cloud fake [--port 8090] [--host 127.0.0.1] [--token T] [--transition-ms N] [--data-dir DIR]
      Manage SingleStore cloud deployments (Management API v2; token from SINGLESTOREDB_MANAGEMENT_TOKEN,
      base URL from SINGLESTOREDB_MANAGEMENT_BASE_URL); \`cloud fake\` serves an offline Management API.
  s2 stage ls DEPLOYMENT [PATH] [-r] | put DEPLOYMENT LOCAL REMOTE [--overwrite] | get DEPLOYMENT REMOTE LOCAL [--overwrite]
           | rm DEPLOYMENT PATH [-r] | mv DEPLOYMENT OLD NEW | mkdir DEPLOYMENT PATH      [--v1: workspace group]
  s2 files ls|put|get|rm|mv personal|shared|models ...
      Stage of a cluster/starter cluster (id or name) and the file spaces; folders go with -r;
      a progress bar on a terminal, plain lines otherwise.
  s2 jobs run NOTEBOOK [--runtime R] [--param k=v ...] [--wait] | get ID | wait ID [--timeout S] | delete ID | runtimes
  Every listing takes --json.`;

const common = { json: { type: 'boolean' as const }, help: { type: 'boolean' as const, short: 'h' } };

type Options = NonNullable<ParseArgsConfig['options']>;

/** Whether `--help` / `-h` is among the arguments (before any `--`), whatever else is wrong with them. */
function helpAsked(argv: string[], options: Options = {}): boolean {
  return parseArgs({ args: argv, options: { ...common, ...options }, allowPositionals: true, strict: false }).values.help === true;
}

/** Parses a command's arguments; `--help` throws HelpRequested, so nothing runs past it. */
function args(argv: string[], options: Options = {}): { values: Record<string, any>; positionals: string[] } {
  if (helpAsked(argv, options)) throw new HelpRequested();
  try {
    const parsed = parseArgs({ args: argv, options: { ...common, ...options }, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, any>, positionals: parsed.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The subcommand, checked before the client is made (an unknown one is a usage error, not a missing token). */
function subcommand(sub: string | undefined, known: string[], group: string): string {
  if (sub === undefined || !known.includes(sub)) throw new UsageError(`unknown ${group} command '${sub ?? ''}' (${known.join(', ')})`);
  return sub;
}

/** A number from a flag's text: `Number('abc')` is NaN, and a NaN timeout never runs out. */
function nonNegative(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a non-negative number, got '${text}'`);
  return n;
}

/** Makes the Management API client once the arguments are known to be good (so `--help` needs no token). */
type Connect = () => Management;

function need(pos: string[], n: number, what: string): string[] {
  if (pos.length < n) throw new UsageError(`missing ${what}`);
  return pos;
}

function until(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

const CLUSTER_COLUMNS = ['name', 'id', 'state', 'provider', 'region', 'size', 'endpoint'];

async function clusters(connect: Connect, io: CliIo, argv: string[]): Promise<number> {
  const a = args(argv, {
    region: { type: 'string' },
    provider: { type: 'string' },
    size: { type: 'string' },
    project: { type: 'string' },
    firewall: { type: 'string', multiple: true },
    'allow-all-traffic': { type: 'boolean' },
    wait: { type: 'boolean' },
    force: { type: 'boolean' },
  });
  const [first, ...positionals] = a.positionals;
  const sub = subcommand(first, ['list', 'ls', 'create', 'suspend', 'resume', 'drop'], 'clusters');
  const v = a.values as Record<string, any>;
  const json = !!v.json;
  const wait = v.wait ? { interval: 5, timeout: 1800 } : undefined;
  const mgmt = connect();
  switch (sub) {
    case 'list':
    case 'ls':
      printRows(io, [...(await mgmt.clusters.list())] as unknown as Record<string, unknown>[], CLUSTER_COLUMNS, json);
      return 0;
    case 'create': {
      const [name] = need(positionals, 1, 'cluster name');
      if (!v.region) throw new UsageError('--region is required (a provider region code such as us-east-1)');
      const region = await mgmt.regions.find(v.provider, v.region);
      const c = await mgmt.clusters.create({
        name: name!,
        region,
        size: v.size,
        project: v.project,
        firewallRanges: v.firewall,
        allowAllTraffic: v['allow-all-traffic'],
        waitOnActive: wait,
      });
      printObject(io, { ...(c as unknown as Record<string, unknown>) }, json);
      return 0;
    }
    case 'suspend':
    case 'resume':
    case 'drop': {
      const [key] = need(positionals, 1, 'cluster id or name');
      const c = await findCluster(mgmt, key!);
      if (sub === 'suspend') await c.suspend({ waitOnSuspended: wait });
      else if (sub === 'resume') await c.resume({ waitOnResumed: wait });
      else await c.terminate({ force: !!v.force, waitOnTerminated: wait });
      if (json) printObject(io, { id: c.id, name: c.name, state: c.state }, true);
      else io.stdout.write(`${sub} ${c.name} (${c.id}): ${c.state}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown clusters command '${sub}'`);
  }
}

async function starter(connect: Connect, io: CliIo, argv: string[]): Promise<number> {
  const a = args(argv, { database: { type: 'string' }, region: { type: 'string' }, provider: { type: 'string' } });
  const [first, ...positionals] = a.positionals;
  const sub = subcommand(first, ['list', 'ls', 'create', 'drop'], 'starter');
  const v = a.values as Record<string, any>;
  const columns = ['name', 'id', 'databaseName', 'endpoint'];
  const mgmt = connect();
  switch (sub) {
    case 'list':
    case 'ls':
      printRows(io, [...(await mgmt.starterClusters.list())] as unknown as Record<string, unknown>[], columns, !!v.json);
      return 0;
    case 'create': {
      const [name] = need(positionals, 1, 'starter cluster name');
      if (!v.database || !v.region) throw new UsageError('--database and --region are required');
      const region = await mgmt.regions.find(v.provider, v.region, { sharedTier: true });
      const sc = await mgmt.starterClusters.create({ name: name!, databaseName: v.database, region });
      printObject(io, { ...(sc as unknown as Record<string, unknown>) }, !!v.json);
      return 0;
    }
    case 'drop': {
      const [key] = need(positionals, 1, 'starter cluster id or name');
      const sc = await findStarter(mgmt, key!);
      await sc.terminate();
      io.stdout.write(`dropped ${sc.name} (${sc.id})\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown starter command '${sub}'`);
  }
}

async function fake(io: CliIo, argv: string[]): Promise<number> {
  const a = args(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    'transition-ms': { type: 'string' },
    'data-dir': { type: 'string' },
  });
  const v = a.values as Record<string, any>;
  const { startManagementFake } = await loadFake();
  const port = Number(v.port ?? 8090);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got '${v.port}'`);
  const f = await startManagementFake({
    port,
    host: v.host ?? '127.0.0.1',
    token: v.token,
    transitionMs: nonNegative(v['transition-ms'], '--transition-ms') ?? 2000,
    dataDir: v['data-dir'],
  });
  if (v.json) io.stdout.write(`${JSON.stringify({ url: f.url, token: f.token })}\n`);
  else
    io.stdout.write(
      `Management API fake on ${f.url}\n  export SINGLESTOREDB_MANAGEMENT_BASE_URL=${f.url}\n  export SINGLESTOREDB_MANAGEMENT_TOKEN=${f.token}\n`,
    );
  await until();
  await f.close();
  return 0;
}

/** Runs a transfer with a progress reporter, ending its line whatever happens. */
async function withProgress<T>(io: CliIo, label: string, fn: (onProgress: (p: TransferProgress) => void) => Promise<T>): Promise<T> {
  const p = progressReporter(io, label);
  try {
    return await fn(p.onProgress);
  } finally {
    p.done();
  }
}

async function fsCommand(io: CliIo, location: FileLocation, sub: string, pos: string[], v: Record<string, any>): Promise<number> {
  const json = !!v.json;
  const { downloadFile, downloadFolder, uploadFile, uploadFolder } = await loadNodeHelpers();
  switch (sub) {
    case 'ls': {
      const objs = await location.listObjects(pos[0] ?? '/', { recursive: !!v.recursive });
      printRows(
        io,
        objs.map((o) => o.toJSON()),
        ['path', 'type', 'size', 'lastModifiedAt'],
        json,
      );
      return 0;
    }
    case 'put': {
      const [given, remote] = need(pos, 2, 'LOCAL and REMOTE paths');
      const local = userPath(given!);
      io.stdout.write(
        await withProgress(io, `put ${remote}`, async (onProgress) => {
          if (v.recursive)
            return `uploaded ${(await uploadFolder(location, local, remote!, { overwrite: !!v.overwrite, onProgress })).length} files to ${remote}\n`;
          const o = await uploadFile(location, local, remote!, { overwrite: !!v.overwrite, onProgress });
          return `uploaded ${o.path} (${o.size} bytes)\n`;
        }),
      );
      return 0;
    }
    case 'get': {
      const [remote, given] = need(pos, 2, 'REMOTE and LOCAL paths');
      const local = userPath(given!);
      io.stdout.write(
        await withProgress(io, `get ${remote}`, async (onProgress) => {
          if (v.recursive)
            return `downloaded ${(await downloadFolder(location, remote!, local, { overwrite: !!v.overwrite, onProgress })).length} files to ${given}\n`;
          await downloadFile(location, remote!, local, { overwrite: !!v.overwrite, onProgress });
          return `downloaded ${remote} to ${given}\n`;
        }),
      );
      return 0;
    }
    case 'rm': {
      const [path] = need(pos, 1, 'PATH');
      if (v.recursive) await location.removeDirs(path!);
      else await location.remove(path!);
      io.stdout.write(`removed ${path}\n`);
      return 0;
    }
    case 'mv': {
      const [from, to] = need(pos, 2, 'OLD and NEW paths');
      const o = await location.rename(from!, to!, { overwrite: !!v.overwrite });
      io.stdout.write(`moved ${from} to ${o.path}\n`);
      return 0;
    }
    case 'mkdir': {
      const [path] = need(pos, 1, 'PATH');
      io.stdout.write(`created ${(await location.mkdir(path!)).path}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command '${sub}'`);
  }
}

const FS_COMMANDS = ['ls', 'put', 'get', 'rm', 'mv', 'mkdir'];
const FS_OPTIONS = { recursive: { type: 'boolean' as const, short: 'r' }, overwrite: { type: 'boolean' as const }, v1: { type: 'boolean' as const } };

type JobParameter = boolean | string | { value: string; type: 'integer' | 'float' };

/**
 * A `--param` value typed by how it is written, its text kept as given: through a JS number,
 * `12345678901234567890` would lose digits and `1e3` become `1000`. A leading zero (`02134`, a
 * ZIP code) or sign (`+1`) makes it a string, as does anything else that is not plainly a number.
 */
export function jobParameter(raw: string): JobParameter {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?(0|[1-9]\d*)$/.test(raw)) return { value: raw, type: 'integer' };
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return { value: raw, type: 'float' };
  return raw;
}

async function jobs(connect: Connect, io: CliIo, argv: string[]): Promise<number> {
  const a = args(argv, { runtime: { type: 'string' }, param: { type: 'string', multiple: true }, wait: { type: 'boolean' }, timeout: { type: 'string' } });
  const [first, ...positionals] = a.positionals;
  const sub = subcommand(first, ['run', 'get', 'wait', 'delete', 'runtimes'], 'jobs');
  const v = a.values as Record<string, any>;
  const json = !!v.json;
  const timeout = nonNegative(v.timeout, '--timeout');
  const mgmt = connect();
  const show = (j: Awaited<ReturnType<Management['jobs']['get']>>) =>
    printObject(
      io,
      {
        jobId: j.jobId,
        notebook: j.executionConfig.notebookPath,
        mode: j.schedule.mode,
        completedExecutions: j.completedExecutionsCount,
        status: j.jobMetadata.map((m) => `${m.status}×${m.count}`).join(' '),
        createdAt: j.createdAt,
        terminatedAt: j.terminatedAt,
      },
      json,
    );
  switch (sub) {
    case 'runtimes':
      printRows(io, (await mgmt.jobs.runtimes()) as unknown as Record<string, unknown>[], ['name', 'description'], json);
      return 0;
    case 'run': {
      const [notebook] = need(positionals, 1, 'notebook path');
      const parameters: Record<string, JobParameter> = {};
      for (const p of (v.param as string[] | undefined) ?? []) {
        const i = p.indexOf('=');
        if (i < 1) throw new UsageError(`--param must be name=value, got '${p}'`);
        parameters[p.slice(0, i)] = jobParameter(p.slice(i + 1));
      }
      let job = await mgmt.jobs.run(notebook!, { runtimeName: v.runtime, parameters: Object.keys(parameters).length ? parameters : undefined });
      if (v.wait) {
        await job.wait({ timeout });
        job = await mgmt.jobs.get(job.jobId);
      }
      show(job);
      return 0;
    }
    case 'get': {
      const [id] = need(positionals, 1, 'job id');
      show(await mgmt.jobs.get(id!));
      return 0;
    }
    case 'wait': {
      const [id] = need(positionals, 1, 'job id');
      const ok = await mgmt.jobs.wait([id!], { timeout });
      io.stdout.write(ok ? `job ${id} finished\n` : `job ${id} did not finish in time\n`);
      return ok ? 0 : 1;
    }
    case 'delete': {
      const [id] = need(positionals, 1, 'job id');
      await mgmt.jobs.delete(id!);
      io.stdout.write(`deleted job ${id}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown jobs command '${sub}'`);
  }
}

async function dispatch(command: 'cloud' | 'stage' | 'files' | 'jobs', argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || helpAsked(argv)) throw new HelpRequested();
  const connect: Connect = () => createManagement({ env: io.env });
  if (command === 'cloud') {
    const [what, ...rest] = argv;
    if (what === 'fake') return fake(io, rest);
    if (what === 'clusters' || what === 'cluster') return clusters(connect, io, rest);
    if (what === 'starter' || what === 'starter-clusters') return starter(connect, io, rest);
    if (what === 'regions') {
      const a = args(rest, { 'shared-tier': { type: 'boolean' } });
      const mgmt = connect();
      const list = a.values['shared-tier'] ? await mgmt.regions.sharedTier() : await mgmt.regions.list();
      printRows(io, [...list] as unknown as Record<string, unknown>[], ['provider', 'regionName', 'name'], !!a.values.json);
      return 0;
    }
    if (what === 'projects') {
      const a = args(rest);
      printRows(io, [...(await connect().projects.list())] as unknown as Record<string, unknown>[], ['name', 'id', 'edition', 'createdAt'], !!a.values.json);
      return 0;
    }
    throw new UsageError(`unknown cloud command '${what}'`);
  }
  if (command === 'jobs') return jobs(connect, io, argv);
  const a = args(argv, FS_OPTIONS);
  const sub = subcommand(a.positionals[0], FS_COMMANDS, command);
  const [where, ...pos] = need(a.positionals.slice(1), 1, command === 'stage' ? 'DEPLOYMENT (cluster id or name)' : 'file space (personal, shared, models)');
  const mgmt = connect();
  let location: FileLocation;
  if (command === 'stage') location = await findStage(mgmt, where!, !!a.values.v1);
  else {
    if (!['personal', 'shared', 'models'].includes(where!)) throw new UsageError(`file space must be personal, shared or models, got '${where}'`);
    location = mgmt.files.space(where as 'personal' | 'shared' | 'models');
  }
  return fsCommand(io, location, sub, pos, a.values as Record<string, any>);
}

/** Runs `s2 cloud|stage|files|jobs …`; resolves to the exit code (0 ok, 1 failure, 2 usage). */
export async function runCloudCommand(command: 'cloud' | 'stage' | 'files' | 'jobs', argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(command, argv, io);
  } catch (err) {
    if (err instanceof HelpRequested) {
      io.stdout.write(`Usage:\n${CLOUD_USAGE}\n`);
      return 0;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`s2 ${command}: ${err.message}\n\nUsage:\n${CLOUD_USAGE}\n`);
      return 2;
    }
    const e = err as Error;
    io.stderr.write(`s2 ${command}: ${err instanceof MySQLError || err instanceof ManagementFsError ? e.message : (e.stack ?? String(e))}\n`);
    return 1;
  }
}
