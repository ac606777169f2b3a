/**
 * The same Fusion statements through the official Python SDK (singlestoredb 1.18.1) and through
 * s2, both connected to the throwaway MariaDB and to one management fake with one state: column
 * names, column types and rows must agree, and errors must be of the corresponding kind.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, ManagementError, ProgrammingError, type Connection } from '@s2/core';
import { createManagement, ManagementFsError } from '@s2/management';
import { startManagementFake, type ManagementFake } from '@s2/fakes/management';
import { pythonSdk, runPythonJson, type PythonSdk } from '@s2/testing';
import { skipNow, testServer } from '@s2/testing/vitest';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { FusionFileError, FusionNotFoundError, FusionSyntaxError, FusionValueError, installFusion } from '../src/index.js';

const script = fileURLToPath(new URL('./python/fusion_diff.py', import.meta.url));

interface Outcome {
  columns?: [string, number][];
  rows?: unknown[][];
  error?: string;
  message?: string;
}

let sdk: PythonSdk | null = null;
let unavailable = '';
let fake: ManagementFake;
let conn: Connection;
let http: Connection;
let gateway: DataApiGateway;
let jobId = '';
const env: Record<string, string> = {};
const localFile = join(mkdtempSync(join(tmpdir(), 'fusion-diff-')), 'up.sql');
writeFileSync(localFile, 'SELECT 3;\n');

beforeAll(async () => {
  const found = await pythonSdk();
  if ('unavailable' in found) {
    unavailable = found.unavailable;
  } else sdk = found;
  fake = await startManagementFake({ endpoint: '127.0.0.1:3306', starterEndpoint: '127.0.0.1:3307' });
  const a = fake.seed.workspaceGroup({ name: 'Group A' }) as { workspaceGroupID: string };
  fake.seed.workspaceGroup({ name: 'Group B', firewallRanges: ['10.0.0.0/8'] });
  fake.seed.workspace(a.workspaceGroupID, { name: 'ws-1' });
  fake.seed.workspace(a.workspaceGroupID, { name: 'ws-2' });
  const alpha = fake.seed.cluster({ name: 'alpha' }) as { clusterID: string };
  fake.seed.cluster({ name: 'beta', firewallRanges: ['1.2.3.4/32'] });
  fake.seed.starterCluster({ name: 'tiny' });
  await fake.seed.file(alpha.clusterID, 'a.sql', 'SELECT 1;\n');
  await fake.seed.file(alpha.clusterID, 'dir/b.sql', 'SELECT 2;\n');
  // Not UTF-8, and not the same text in ASCII, Latin-1 and cp1252.
  await fake.seed.file(alpha.clusterID, 'enc.bin', new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x20, 0x78]));
  await fake.seed.file('personal', 'p1.txt', 'personal one');
  await fake.seed.file('shared', 's1.txt', 'shared one');
  await fake.seed.file('shared', 's2.csv', 'a,b');
  const job = await createManagement({ baseUrl: fake.url, token: fake.token, env: {} }).jobs.schedule({
    notebookPath: 'nb.ipynb',
    mode: 'RECURRING',
    executionIntervalInMinutes: 5,
    name: 'diff-job',
    parameters: { s: 'x', n: 2 },
  });
  jobId = job.jobId;
  Object.assign(env, {
    SINGLESTOREDB_FUSION_ENABLED: '1',
    SINGLESTOREDB_MANAGEMENT_BASE_URL: fake.url,
    SINGLESTOREDB_MANAGEMENT_TOKEN: fake.token,
    SINGLESTOREDB_WORKSPACE: alpha.clusterID,
  });
  const info = testServer();
  conn = await connect(`${info.url}/${info.database}`);
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
  http = await connect(`http://${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}@127.0.0.1:${gateway.port}/${info.database}`);
}, 600_000);

afterAll(async () => {
  await conn?.close();
  await http?.close();
  await gateway?.close();
  await fake?.close();
});

/** Python subclasses the reference raises, compared as the base class s2's error kinds stand for. */
const PYTHON_BASE: Record<string, string> = { UnicodeDecodeError: 'ValueError', NotADirectoryError: 'OSError' };

/** Python exception classes and the s2 classes that stand for them. */
const ERROR_KINDS: [string, (e: unknown) => boolean][] = [
  ['KeyError', (e) => e instanceof FusionNotFoundError],
  ['ValueError', (e) => e instanceof FusionSyntaxError || e instanceof FusionValueError],
  ['OSError', (e) => e instanceof ManagementFsError || e instanceof FusionFileError],
  ['ManagementError', (e) => e instanceof ManagementError],
  ['ProgrammingError', (e) => e instanceof ProgrammingError],
];

function spell(v: unknown): unknown {
  if (v instanceof Date) return { epoch_ms: v.getTime() };
  if (v instanceof Uint8Array) return { hex: Buffer.from(v).toString('hex') };
  if (typeof v === 'bigint') return Number(v);
  return v;
}

async function ours(on: Connection, sql: string): Promise<Outcome> {
  const cur = on.cursor();
  try {
    await cur.execute(sql);
    const columns = (cur.description ?? []).map((d) => [d.name, d.typeCode] as [string, number]);
    const rows = cur.description ? ((await cur.fetchall()) as unknown[][]).map((r) => r.map(spell)) : [];
    return { columns, rows };
  } catch (err) {
    return { error: ERROR_KINDS.find(([, is]) => is(err))?.[0] ?? (err as Error).name, message: (err as Error).message };
  } finally {
    await cur.close();
  }
}

/** Runs `list` through s2 on each connection, with `vars` in the environment as the Python side had them. */
async function oursWith(vars: Record<string, string>, enableHidden: boolean, list: string[], ...on: Connection[]): Promise<Outcome[][]> {
  const saved = { ...process.env };
  Object.assign(process.env, vars);
  installFusion({ enabled: true, enableHidden });
  const out: Outcome[][] = on.map(() => []);
  try {
    for (const [i, c] of on.entries()) for (const sql of list) out[i].push(await ours(c, sql));
  } finally {
    for (const k of Object.keys(vars))
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
  }
  return out;
}

const statements = () => [
  'show fusion commands',
  "show fusion commands like 'create%'",
  'show regions',
  "show regions like 'US%' order by name desc limit 2",
  'show regions order by foo',
  'show cluster regions order by Name',
  "show starter cluster regions like '%Iowa%'",
  'show projects',
  'show workspace groups order by name',
  "show workspace groups like 'Group A' extended",
  "show workspaces in group 'Group A' order by name",
  "show workspaces in group 'Group A' like '%2' extended",
  "show workspaces in group 'nope'",
  "show workspaces in group id 'bad'",
  'show clusters order by name',
  'show clusters extended order by name desc limit 1',
  'show starter clusters',
  'show starter clusters extended',
  'show stage files recursive order by name',
  "show stage files in 'alpha' order by name",
  "show stage files at 'dir/' recursive",
  'show stage files order by type desc, name desc recursive extended',
  "download stage file 'a.sql' encoding 'utf-8'",
  "download stage file 'a.sql'",
  "download stage file 'enc.bin' encoding 'cp1252'",
  "download stage file 'enc.bin' encoding 'latin_1'",
  "download stage file 'enc.bin' encoding 'Latin-1'",
  "download stage file 'enc.bin' encoding 'ascii'",
  "download stage file 'enc.bin' encoding 'utf8'",
  "create stage folder 'tmpdir'",
  "drop stage folder 'tmpdir'",
  "drop stage folder 'dir'",
  "drop stage folder 'nope'",
  `upload file to stage 'up.sql' from '${localFile}'`,
  `upload file to stage 'up.sql' from '${localFile}'`,
  "download stage file 'up.sql' encoding 'utf-8'",
  "drop stage file 'up.sql'",
  `upload shared file to 'u.txt' from '${localFile}'`,
  "download shared file 'u.txt'",
  "drop shared file 'u.txt'",
  "create personal folder 'x'",
  'show personal files order by name',
  "show shared files like '%.txt' extended",
  "download shared file 's1.txt' encoding 'utf-8'",
  `show jobs '${jobId}'`,
  `show jobs '${jobId}' extended`,
  `show job executions for '${jobId}' from 1 to 5`,
  `show job parameters for '${jobId}'`,
  'show job runtimes',
  `wait on jobs '${jobId}'`,
  'show clusters bogus',
  'create workspace',
  "show regions like 'a' limit x",
  "show regions\n  like 'a'\n  bogus",
  'show regions -- comment\n limit 1',
  'show stage files recursive recursive',
  "drop cluster 'missing'",
  "upload file to stage 'a.sql' from '/etc/hostname'",
  "show stage files in group 'nope'",
  "suspend cluster 'missing'",
  "drop starter cluster if exists 'missing'",
  "show jobs 'no-such-job'",
  "drop cluster if exists 'missing'",
  'SELECT 1 + 1',
];

/**
 * Deliberate differences (listed in the README), applied to the Python outcome before comparing.
 * Writable: the reference puts a Python bool into a column it types STRING; s2 keeps STRING
 * columns textual ('True' / 'False').
 */
const writableAsText = (o: Outcome): Outcome => ({
  ...o,
  rows: o.rows?.map((r) => r.map((v, i) => (o.columns?.[i]?.[0] === 'Writable' && typeof v === 'boolean' ? (v ? 'True' : 'False') : v))),
});
/** A clause given twice: the reference leaks the parser library's VisitationError; s2 reports a parse error. */
const duplicateClause = (o: Outcome): Outcome => (o.error === 'VisitationError' ? { error: 'ValueError' } : o);
const KNOWN: Record<string, (o: Outcome) => Outcome> = {
  'show stage files recursive recursive': duplicateClause,
  'show stage files order by type desc, name desc recursive extended': writableAsText,
  "show shared files like '%.txt' extended": writableAsText,
};

describe('Fusion differential against the Python SDK', () => {
  it('every statement gives the same columns, types, rows and error kinds', async (ctx) => {
    if (!sdk) return skipNow(ctx, unavailable);
    const info = testServer();
    const list = statements();
    const theirs = await runPythonJson<Outcome[]>(sdk, script, { url: `${info.url}/${info.database}`, env, statements: list });
    const [mine, overHttp] = await oursWith(env, false, list, conn, http);
    const mismatches: string[] = [];
    list.forEach((sql, i) => {
      const raw = KNOWN[sql] ? KNOWN[sql](theirs[i]) : theirs[i];
      const a = raw.error ? { ...raw, error: PYTHON_BASE[raw.error] ?? raw.error } : raw;
      // Parse and decode errors must also read the same (the syntax shown is the reference's; decoding names the bytes).
      const sameText = raw.error === 'UnicodeDecodeError' || !!raw.message?.startsWith('Could not parse');
      for (const [how, b] of [
        ['wire', mine[i]],
        ['http', overHttp[i]],
      ] as const) {
        const sameError = a.error === b.error && (!sameText || a.message === b.message);
        const same = a.error || b.error ? sameError : JSON.stringify([a.columns, a.rows]) === JSON.stringify([b.columns, b.rows]);
        if (!same) mismatches.push(`${sql}\n  python:    ${JSON.stringify(a).slice(0, 600)}\n  s2 (${how}): ${JSON.stringify(b).slice(0, 600)}`);
      }
    });
    expect(mismatches.join('\n\n')).toBe('');
    expect(theirs[0].rows!.length).toBeGreaterThan(40);
  }, 600_000);

  it('mutating statements send the same requests to the Management API', async (ctx) => {
    if (!sdk) return skipNow(ctx, unavailable);
    const info = testServer();
    const list = [
      "create cluster 'c-same' in region 'us-east-1' with size 'S-00' auto suspend after 30 minutes with type idle with firewall ranges '1.2.3.4/32' with update window '1:3' enable kai with cache config 2",
      "create workspace group 'g-same' in region 'US East 1 (N. Virginia)' with firewall ranges '0.0.0.0/0' with update window '2:4' allow all traffic",
      "create workspace 'w-same' in group 'Group A' with size 'S-00' enable kai with cache config 2",
      "create starter cluster 's-same' with database 'db' in region 'us-east-1' using provider 'aws'",
      `schedule job using notebook 'nb.ipynb' with mode 'Recurring' execute every 2 hours with name 'j' with description 'd' create snapshot with runtime 'notebooks-cpu-small' with parameters {"s": "x", "n": 2, "b": true}`,
      "suspend cluster 'alpha'",
      "resume cluster 'alpha' disable auto suspend",
      "create stage folder 'mdir'",
      `upload file to stage 'mdir/up.sql' from '${localFile}'`,
      "drop stage folder 'mdir' recursive",
      "drop workspace 'w-same' in group 'Group A'",
      "drop workspace group 'g-same' force",
      "drop starter cluster 's-same'",
      "drop cluster 'c-same'",
    ];
    // Requests that change something, IDs masked; members sent as null mean "not given", as absent ones do.
    const write = (r: { method: string; path: string; body: unknown }) => ({
      method: r.method,
      path: r.path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>'),
      body: JSON.parse(JSON.stringify(r.body ?? null, (_k, v: unknown) => (v === null ? undefined : v)) ?? 'null') as unknown,
    });
    const writes = (from: number, to?: number) =>
      fake.requests
        .slice(from, to)
        .filter((r) => r.method !== 'GET')
        .map(write);
    const before = fake.requests.length;
    const theirs = await runPythonJson<Outcome[]>(sdk, script, { url: `${info.url}/${info.database}`, env, statements: list });
    const middle = fake.requests.length;
    // The fake keeps names unique: what the reference created steps aside for s2's twins.
    for (const map of [fake.state.clusters, fake.state.starterClusters, fake.state.workspaceGroups, fake.state.workspaces]) {
      for (const item of map.values()) if (/-same$/.test(String(item.json.name))) item.json.name = `${String(item.json.name)}-py`;
    }
    const [mine] = await oursWith(env, false, list, conn);
    expect(
      mine.map((o) => o.error ?? null),
      JSON.stringify(mine),
    ).toEqual(theirs.map((o) => o.error ?? null));
    const theirWrites = writes(before, middle);
    expect(theirWrites.length).toBeGreaterThanOrEqual(list.length);
    expect(writes(middle)).toEqual(theirWrites);
  }, 600_000);
  it('export statements (hidden) send the same requests, status GETs with their JSON bodies included', async (ctx) => {
    if (!sdk) return skipNow(ctx, unavailable);
    const info = testServer();
    const cluster = env.SINGLESTOREDB_WORKSPACE;
    // A known export for the id-taking commands, put back before each side runs.
    const seedExport = () => fake.exports.set('exp-fixed', { egressID: 'exp-fixed', ownerId: cluster, status: 'Running', statusMsg: 'fine', definition: {} });
    const list = [
      `start export from db.t catalog config '{"a":1}' credentials '{"k":"s"}' link s3 config '{"b":2}' credentials '{"c":3}' partition by identity(c1), day(c2) properties '{"p":1}'`,
      `start incremental export from db.t catalog config '{}' link s3 config '{"b":2}' refresh interval 2 hours`,
      "show export 'exp-fixed'",
      "show exports for 'all'",
      "suspend export 'exp-fixed'",
      "resume export 'exp-fixed'",
      `create cluster identity catalog config '{"a":1}' link s3 config '{"b":2}'`,
      "drop export 'exp-fixed'",
      "show export 'exp-fixed'",
      `start export from t catalog config '{}' link s3 config '{}'`,
    ];
    const ids = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
    const requests = (from: number, to?: number) =>
      fake.requests
        .slice(from, to)
        .filter((r) => r.path.includes('/egress/'))
        .map((r) => ({
          method: r.method,
          path: r.path,
          // Export ids the fake made up are masked; the seeded one and the cluster's stay.
          body: JSON.parse((JSON.stringify(r.body ?? null, (_k, v: unknown) => (v === null ? undefined : v)) ?? 'null').replace(ids, '<id>')) as unknown,
        }));
    const hidden = { ...env, SINGLESTOREDB_FUSION_ENABLE_HIDDEN: '1' };
    fake.exports.clear();
    seedExport();
    const before = fake.requests.length;
    const theirs = await runPythonJson<Outcome[]>(sdk, script, { url: `${info.url}/${info.database}`, env: hidden, statements: list });
    const middle = fake.requests.length;
    // What the reference started is in the listing s2 reads too: the same listing for both sides.
    fake.exports.clear();
    seedExport();
    const [mine] = await oursWith(hidden, true, list, conn);
    const shape = (o: Outcome) =>
      o.error ? { error: o.error } : { columns: o.columns, rows: JSON.parse(JSON.stringify(o.rows).replace(ids, '<id>')) as unknown };
    expect(mine.map(shape)).toEqual(theirs.map(shape));
    expect(theirs.filter((o) => o.error).length).toBe(2);
    const theirRequests = requests(before, middle);
    expect(theirRequests.filter((r) => r.method === 'GET' && (r.body as { egressID?: string } | undefined)?.egressID === 'exp-fixed').length).toBeGreaterThan(
      0,
    );
    expect(requests(middle)).toEqual(theirRequests);
  }, 600_000);
});
