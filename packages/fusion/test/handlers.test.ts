import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect, ProgrammingError, type Connection } from '@s2/core';
import { ManagementError, ManagementFsError } from '@s2/management';
import { startManagementFake, type ManagementFake } from '@s2/fakes/management';
import { testServer } from '@s2/testing/vitest';
import { FusionNotFoundError, FusionSyntaxError, FusionValueError, installFusion } from '../src/index.js';

let fake: ManagementFake;
let conn: Connection;
const tmp = mkdtempSync(join(tmpdir(), 'fusion-'));
const q = <T = unknown[]>(sql: string) => conn.query<T>(sql);
const objects = (sql: string) => conn.query<Record<string, unknown>>(sql, undefined, { resultsType: 'objects' });

beforeAll(async () => {
  fake = await startManagementFake({ endpoint: '127.0.0.1:3306' });
  const info = testServer();
  conn = await connect(`${info.url}/${info.database}`);
  installFusion({ enabled: true, enableHidden: true, management: { baseUrl: fake.url, token: fake.token } });
});

afterAll(async () => {
  await conn.close();
  await fake.close();
});

beforeEach(() => {
  fake.reset();
  delete process.env.SINGLESTOREDB_WORKSPACE;
  delete process.env.SINGLESTOREDB_WORKSPACE_GROUP;
});

describe('regions and projects', () => {
  it('SHOW REGIONS with LIKE, ORDER BY (any clause order) and LIMIT', async () => {
    const all = await q<[string, string, string]>('show regions');
    expect(all.length).toBe(fake.state.regions.length);
    const us = await q<[string]>('show regions like "US%" limit 3 order by name desc');
    const expected = fake.state.regions
      .map((r) => r.region)
      .filter((n) => n.startsWith('US'))
      .sort()
      .reverse()
      .slice(0, 3);
    expect(us.map((r) => r[0])).toEqual(expected);
    await expect(q('show regions order by foo')).rejects.toBeInstanceOf(FusionNotFoundError);
    expect(await q('show regions limit 0')).toEqual([]);
  });

  it('SHOW CLUSTER REGIONS, SHOW STARTER CLUSTER REGIONS, SHOW PROJECTS', async () => {
    const regions = await objects('show cluster regions order by RegionName');
    expect(regions[0]).toEqual({ Name: expect.any(String), Provider: expect.any(String), RegionName: expect.any(String) });
    expect(regions.length).toBe(fake.state.regions.length);
    expect((await q('show starter cluster regions')).length).toBe(fake.state.sharedTierRegions.length);
    const projects = await objects('show projects');
    expect(projects.map((p) => p.Name)).toContain('Default Project');
    expect(projects[0].CreatedAt).toBeInstanceOf(Date);
  });
});

describe('workspace groups and workspaces (v1)', () => {
  it('create, show, suspend, resume and drop, with IF [NOT] EXISTS and the deprecation warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      await q("create workspace group 'A Fusion Testing' in region 'US East 1 (N. Virginia)' with firewall ranges '0.0.0.0/0'");
      await q("create workspace group if not exists 'A Fusion Testing' in region 'US East 1 (N. Virginia)'");
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.some((w) => w.startsWith('CREATE WORKSPACE GROUP is deprecated'))).toBe(true);
    const groups = await objects("show workspace groups like 'A%Testing'");
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ Name: 'A Fusion Testing', Region: 'US East 1 (N. Virginia)', FirewallRanges: ['0.0.0.0/0'] });
    const ext = await conn.cursor();
    await ext.execute('show workspace groups extended');
    expect(ext.description!.map((d) => d.name)).toEqual(['Name', 'ID', 'Region', 'FirewallRanges', 'CreatedAt', 'TerminatedAt']);
    const gid = groups[0].ID as string;

    await q(`create workspace show-ws-1 in group "A Fusion Testing" with size S-00 wait on active`);
    await q(`create workspace 'show-ws-2' in group id ${gid} with size 'S-00' auto suspend after 30 minutes with type idle`);
    const ws = await objects(`show workspaces in group id ${gid} order by name desc`);
    expect(ws.map((w) => w.Name)).toEqual(['show-ws-2', 'show-ws-1']);
    expect(ws[0]).toMatchObject({ Size: 'S-00', State: 'ACTIVE' });
    const created = [...fake.state.workspaces.values()].find((w) => w.json.name === 'show-ws-2')!;
    expect(created.json.autoSuspend).toMatchObject({ suspendAfterSeconds: 1800, suspendType: 'IDLE' });
    expect((await objects(`show workspaces in group 'A Fusion Testing' like '%2' extended`)).map((w) => Object.keys(w))).toEqual([
      ['Name', 'ID', 'Size', 'State', 'Endpoint', 'CreatedAt', 'TerminatedAt'],
    ]);

    await q(`suspend workspace 'show-ws-1' in group 'A Fusion Testing' wait on suspended`);
    expect((await objects(`show workspaces in group 'A Fusion Testing' like 'show-ws-1'`))[0].State).toBe('SUSPENDED');
    await q(`resume workspace 'show-ws-1' in group 'A Fusion Testing' wait on resumed`);
    await q(`drop workspace 'show-ws-1' in group 'A Fusion Testing' wait on terminated`);
    await expect(q(`drop workspace 'show-ws-1' in group 'A Fusion Testing'`)).rejects.toBeInstanceOf(FusionNotFoundError);
    await q(`drop workspace if exists 'show-ws-1' in group 'A Fusion Testing'`);
    await q(`drop workspace group id '${gid}' wait on terminated force`);
    await expect(q(`drop workspace group id '${gid}'`)).rejects.toBeInstanceOf(FusionNotFoundError);
    await q(`drop workspace group if exists id '${gid}'`);
  });

  it('a malformed group or workspace ID is the API 400, as in the reference; a malformed cluster ID is not found', async () => {
    // The reference's get_workspace_group / get_workspace turn only a 404 into KeyError; get_cluster also a 400 about the UUID.
    for (const sql of ["show workspaces in group id 'bad'", "suspend workspace id 'bad'"]) {
      const err = await q(sql).catch((e: unknown) => e);
      expect(err, sql).toBeInstanceOf(ManagementError);
      expect(err, sql).not.toBeInstanceOf(FusionNotFoundError);
      expect((err as ManagementError).status, sql).toBe(400);
    }
    await expect(q("suspend cluster id 'bad'")).rejects.toThrow(new FusionNotFoundError('no cluster found with ID: bad'));
  });

  it('names that resolve to nothing, and no group at all, are FusionNotFoundErrors', async () => {
    await expect(q("show workspaces in group 'nope'")).rejects.toThrow(/no workspace group found with name: nope/);
    await expect(q('show workspaces')).rejects.toThrow(/no workspace group was specified/);
    await expect(q("create workspace group 'x' in region 'Mars'")).rejects.toThrow(/no region found with name "Mars"/);
  });
});

describe('clusters and starter clusters (v2)', () => {
  it('create, show (EXTENDED), suspend, resume, drop', async () => {
    const [created] = await objects("create cluster 'analytics' in region 'us-east-1' with size 'S-00' with firewall ranges '1.2.3.4/32' wait on active");
    expect(created).toMatchObject({ Name: 'analytics', ID: expect.any(String) });
    expect(Object.keys(created)).toEqual(['Name', 'ID', 'Endpoint', 'AdminPassword']);
    expect(await q("create cluster if not exists 'analytics' in region 'us-east-1'")).toEqual([]);
    const list = await objects("show clusters like 'ana%' extended");
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      Name: 'analytics',
      Region: 'us-east-1',
      Provider: 'AWS',
      FirewallRanges: ['1.2.3.4/32'],
      ProjectName: 'Default Project',
      State: 'ACTIVE',
    });
    await q("suspend cluster 'analytics' wait on suspended");
    expect((await objects('show clusters'))[0].State).toBe('SUSPENDED');
    await q(`resume cluster id '${created.ID as string}' disable auto suspend wait on resumed`);
    await q("drop cluster 'analytics' wait on terminated");
    await expect(q("drop cluster 'missing'")).rejects.toBeInstanceOf(FusionNotFoundError);
    await q("drop cluster if exists 'missing'");
    await expect(q("create cluster 'x' in region 'nowhere' in project 'No Such Project'")).rejects.toThrow(/no project found with name/);
  });

  it('ambiguous names are FusionValueErrors; API failures are ManagementErrors', async () => {
    fake.seed.cluster({ name: 'twin' });
    fake.seed.cluster({ name: 'twin' });
    await expect(q("suspend cluster 'twin'")).rejects.toBeInstanceOf(FusionValueError);
    fake.fail({ method: 'GET', path: '/v2/clusters', status: 403, times: 10 });
    const err = await q('show clusters').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManagementError);
    expect((err as ManagementError).status).toBe(403);
    fake.clearFaults();
    expect(await q('SELECT 1')).toEqual([[1]]);
  });

  it('starter clusters', async () => {
    await q("create starter cluster 'scratch' with database 'scratchdb' in region 'us-east-1' using provider 'aws'");
    await q("create starter cluster if not exists 'scratch' with database 'scratchdb' in region 'us-east-1' using provider 'aws'");
    const list = await objects('show starter clusters extended');
    expect(list).toEqual([{ Name: 'scratch', ID: expect.any(String), DatabaseName: 'scratchdb', Endpoint: expect.anything(), ProjectName: null }]);
    await q("drop starter cluster 'scratch'");
    expect(await q('show starter clusters')).toEqual([]);
    await q("drop starter cluster if exists 'scratch'");
  });

  it('USE CLUSTER moves the connection to the cluster endpoint (and database)', async () => {
    const info = testServer();
    fake.setTiming({ endpoint: `${info.host}:${info.port}` });
    fake.seed.cluster({ name: 'here' });
    const other = await connect(`${info.url}/${info.database}`);
    try {
      const before = (await other.query<[number]>('SELECT CONNECTION_ID()'))[0][0];
      await other.query("use cluster 'here' with database 'information_schema'");
      expect(await other.query('SELECT DATABASE()')).toEqual([['information_schema']]);
      expect((await other.query<[number]>('SELECT CONNECTION_ID()'))[0][0]).not.toBe(before);
      await expect(other.query("use cluster 'nowhere'")).rejects.toBeInstanceOf(FusionNotFoundError);
    } finally {
      await other.close();
    }
  });

  it('USE CLUSTER / USE WORKSPACE of a deployment without an endpoint fail and leave the connection where it was', async () => {
    fake.seed.cluster({ name: 'asleep', state: 'SUSPENDED', endpoint: null });
    const group = fake.seed.workspaceGroup({ name: 'g-asleep' }) as { workspaceGroupID: string };
    fake.seed.workspace(group.workspaceGroupID, { name: 'ws-asleep', state: 'PENDING', endpoint: null });
    const before = (await q<[number]>('SELECT CONNECTION_ID()'))[0][0];
    await expect(q("use cluster 'asleep' with database 'information_schema'")).rejects.toThrow(
      new FusionValueError("cluster 'asleep' has no SQL endpoint (state SUSPENDED); the connection was not moved"),
    );
    await expect(q("use workspace 'ws-asleep' in group 'g-asleep'")).rejects.toBeInstanceOf(FusionValueError);
    expect(await q('SELECT CONNECTION_ID(), DATABASE()')).toEqual([[before, testServer().database]]);
  });

  it('USE CLUSTER @@CURRENT WITH DATABASE selects the database', async () => {
    await q('use cluster @@current with database information_schema');
    expect(await q('SELECT DATABASE()')).toEqual([['information_schema']]);
    await conn.selectDb(testServer().database);
  });
});

describe('stage', () => {
  it('folders, uploads, listings, downloads and drops', async () => {
    const cluster = fake.seed.cluster({ name: 'stagey' }) as { clusterID: string };
    process.env.SINGLESTOREDB_WORKSPACE = cluster.clusterID;
    const local = join(tmp, 'new_test_1.sql');
    writeFileSync(local, 'SELECT 1;\n');
    expect(await q('show stage files')).toEqual([]);
    await q(`upload file to stage 'new_test_1.sql' from '${local}'`);
    await q("create stage folder 'subdir1'");
    await q(`upload file to stage 'subdir1/new_test_2.sql' from '${local}'`);
    await q("create stage folder 'subdir2' in 'stagey'");
    await q(`upload file to stage 'subdir2/new_test_4.sql' in 'stagey' from '${local}'`);
    expect((await q<[string]>('show stage files recursive order by name')).map((r) => r[0])).toEqual([
      'new_test_1.sql',
      'subdir1/',
      'subdir1/new_test_2.sql',
      'subdir2/',
      'subdir2/new_test_4.sql',
    ]);
    expect((await q<[string]>(`show stage files in id '${cluster.clusterID}' order by name`)).map((r) => r[0])).toEqual([
      'new_test_1.sql',
      'subdir1/',
      'subdir2/',
    ]);
    expect((await q<[string]>("show stage files at 'subdir2/' recursive")).map((r) => r[0])).toEqual(['new_test_4.sql']);
    expect((await q<[string]>("show stage files like '%_4.%' recursive")).map((r) => r[0])).toEqual(['subdir2/new_test_4.sql']);
    const ext = await objects('show stage files order by type, name recursive extended limit 2');
    expect(ext.map((r) => r.Name)).toEqual(['subdir1/', 'subdir2/']);
    expect(Object.keys(ext[0])).toEqual(['Name', 'Type', 'Size', 'Writable', 'CreatedAt', 'LastModifiedAt']);

    await expect(q(`upload file to stage 'new_test_1.sql' from '${local}'`)).rejects.toBeInstanceOf(ManagementFsError);
    await q(`upload file to stage 'new_test_1.sql' from '${local}' overwrite`);
    const [[bytes]] = await q<[Uint8Array]>("download stage file 'new_test_1.sql'");
    expect(Buffer.from(bytes).toString()).toBe('SELECT 1;\n');
    expect(await q("download stage file 'new_test_1.sql' encoding 'utf-8'")).toEqual([['SELECT 1;\n']]);
    const out = join(tmp, 'dl.sql');
    await q(`download stage file 'subdir1/new_test_2.sql' to '${out}'`);
    expect(readFileSync(out, 'utf8')).toBe('SELECT 1;\n');
    await expect(q(`download stage file 'subdir1/new_test_2.sql' to '${out}'`)).rejects.toThrow(/already exists/);

    await expect(q("drop stage folder 'subdir1'")).rejects.toBeInstanceOf(ManagementFsError);
    await q("drop stage file 'subdir1/new_test_2.sql'");
    await q("drop stage folder 'subdir1'");
    await q("drop stage folder 'subdir2' recursive");
    await q("drop stage file 'new_test_1.sql'");
    expect(await q('show stage files recursive')).toEqual([]);
  });

  it('DOWNLOAD … ENCODING takes Python codec names and decodes strictly, as the reference does', async () => {
    const cluster = fake.seed.cluster({ name: 'encodings' }) as { clusterID: string };
    process.env.SINGLESTOREDB_WORKSPACE = cluster.clusterID;
    await fake.seed.file(cluster.clusterID, 'enc.bin', new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x20, 0x78]));
    // The reference's answers for these bytes: bytes.decode(encoding).
    expect(await q("download stage file 'enc.bin' encoding 'cp1252'")).toEqual([['café € x']]);
    expect(await q("download stage file 'enc.bin' encoding 'latin_1'")).toEqual([['café \x80 x']]);
    expect(await q("download stage file 'enc.bin' encoding 'latin-1'")).toEqual([['café \x80 x']]);
    const ascii = q("download stage file 'enc.bin' encoding 'ascii'");
    await expect(ascii).rejects.toBeInstanceOf(FusionValueError);
    await expect(ascii).rejects.toThrow("'ascii' codec can't decode byte 0xe9 in position 3: ordinal not in range(128)");
    await expect(q("download stage file 'enc.bin' encoding 'utf-8'")).rejects.toThrow(
      "'utf-8' codec can't decode byte 0xe9 in position 3: invalid continuation byte",
    );
    await expect(q("download stage file 'enc.bin' encoding 'klingon'")).rejects.toThrow(/^unsupported encoding: klingon/);
  });

  it('DROP STAGE FOLDER of a missing folder is a file-system error (ENOENT), not a raw 404', async () => {
    const cluster = fake.seed.cluster({ name: 'no-folders' }) as { clusterID: string };
    process.env.SINGLESTOREDB_WORKSPACE = cluster.clusterID;
    const err = await q("drop stage folder 'nope'").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManagementFsError);
    expect((err as ManagementFsError).code).toBe('ENOENT');
    expect((err as Error).message).toBe('ENOENT: stage path does not exist: nope');
  });

  it('without a deployment: FusionNotFoundError', async () => {
    await expect(q('show stage files')).rejects.toThrow(/no deployment was specified/);
    await expect(q("show stage files in group 'nope'")).rejects.toBeInstanceOf(FusionNotFoundError);
  });
});

describe.each(['personal', 'shared'])('%s files', (space) => {
  it('upload, show, download, drop', async () => {
    const local = join(tmp, `${space}.txt`);
    writeFileSync(local, `hello ${space}`);
    for (const i of [1, 2, 3]) await q(`upload ${space} file to 'show_${i}.txt' from '${local}'`);
    expect((await q<[string]>(`show ${space} files like 'show_%' order by name desc limit 2`)).map((r) => r[0])).toEqual(['show_3.txt', 'show_2.txt']);
    expect(Object.keys((await objects(`show ${space} files extended`))[0])).toEqual(['Name', 'Type', 'Size', 'Writable', 'CreatedAt', 'LastModifiedAt']);
    expect(await q(`download ${space} file 'show_1.txt' encoding 'utf8'`)).toEqual([[`hello ${space}`]]);
    await q(`drop ${space} file 'show_1.txt'`);
    expect((await q(`show ${space} files`)).length).toBe(2);
  });
});

describe('jobs', () => {
  it('run, schedule, show, executions, parameters, runtimes, drop', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const [[scheduled]] = await q<[string]>(
      `schedule job using notebook 'nb.ipynb' with mode 'recurring' execute every 5 minutes with name 'show-job' with parameters {"s": "x", "n": 1, "b": true}`,
    );
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    expect(warnings.some((w) => w.startsWith('This is a preview Fusion SQL command'))).toBe(true);
    expect(typeof scheduled).toBe('string');
    const shown = await objects(`show jobs '${scheduled}' like 'show-job' extended`);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({
      JobID: scheduled,
      Name: 'show-job',
      NotebookPath: 'nb.ipynb',
      Mode: 'Recurring',
      ExecutionIntervalInMins: 5,
      CreateSnapshot: 0,
    });
    expect(Object.keys(shown[0])).toHaveLength(17);
    expect(await objects(`show job parameters for '${scheduled}' `)).toEqual(
      expect.arrayContaining([expect.objectContaining({ Name: 's', Value: 'x', Type: 'string' })]),
    );
    expect(
      Object.keys(
        (await objects(`show job executions for '${scheduled}' from 1 to 5 extended`))[0] ?? {
          ExecutionID: 1,
          ExecutionNumber: 1,
          JobID: 1,
          Status: 1,
          ScheduledStartTime: 1,
          StartedAt: 1,
          FinishedAt: 1,
          SnapshotNotebookPath: 1,
        },
      ),
    ).toHaveLength(8);
    expect((await q('show job runtimes')).length).toBe(fake.state.runtimes.length);
    await expect(q(`schedule job using notebook 'nb.ipynb' with mode 'sometimes'`)).rejects.toThrow(/Unknown Mode/);
    const [[run]] = await q<[string]>("run job using notebook 'nb.ipynb' with runtime 'notebooks-cpu-small'");
    const waited = await objects(`wait on jobs '${run}' with timeout 20 seconds`);
    expect(waited).toHaveLength(1);
    expect(Object.keys(waited[0])).toEqual(['Success']);
    expect(waited[0].Success).toBe(1);
    // The reference's ValueError (management/job.py), not a Management API failure.
    const recurring = q(`wait on jobs '${scheduled}' with timeout 1 seconds`);
    await expect(recurring).rejects.toBeInstanceOf(FusionValueError);
    await expect(recurring).rejects.toThrow(`Cannot wait for recurring job ${scheduled}`);
    expect(await q(`drop jobs '${scheduled}', ${run}`)).toEqual([
      [scheduled, 1],
      [run, 1],
    ]);
  });
});

describe('jobs: values the API must get exactly', () => {
  const lastJobPost = () => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs')).at(-1)?.body as Record<string, unknown>;

  it('START AT without a zone is UTC whatever the machine time zone (as in the reference)', async () => {
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      await q(`schedule job using notebook 'nb.ipynb' with mode 'once' start at '2024-06-25 21:35:06'`);
      expect((lastJobPost().schedule as { startAt: string }).startAt).toBe('2024-06-25T21:35:06.000Z');
      await q(`schedule job using notebook 'nb.ipynb' with mode 'once' start at '2024-06-25T21:35:06+02:00'`);
      expect((lastJobPost().schedule as { startAt: string }).startAt).toBe('2024-06-25T19:35:06.000Z');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('integers past 2^53 keep their digits in parameters and are refused where the API needs a number', async () => {
    await q(`run job using notebook 'nb.ipynb' with parameters {"big": 9007199254740993, "small": 7}`);
    expect(lastJobPost().parameters).toEqual([
      { name: 'big', value: '9007199254740993', type: 'integer' },
      { name: 'small', value: '7', type: 'integer' },
    ]);
    await expect(q(`schedule job using notebook 'nb.ipynb' with mode 'recurring' execute every 99999999999999999999 minutes`)).rejects.toThrow(
      new FusionValueError('EXECUTE EVERY 99999999999999999999 is out of range'),
    );
    await expect(q(`wait on jobs 'x' with timeout 99999999999999999999 seconds`)).rejects.toBeInstanceOf(FusionValueError);
    await expect(q("create cluster 'big' in region 'us-east-1' with cache config 99999999999999999999")).rejects.toBeInstanceOf(FusionValueError);
    await expect(q('show regions limit -1')).rejects.toThrow(/a limit must not be negative/);
  });

  it("the management option version: 'v1' does not break the cluster commands", async () => {
    fake.seed.cluster({ name: 'versioned' });
    installFusion({ enabled: true, enableHidden: true, management: { baseUrl: fake.url, token: fake.token, version: 'v1' } });
    try {
      expect((await q<[string]>("show clusters like 'versioned'")).map((r) => r[0])).toEqual(['versioned']);
    } finally {
      installFusion({ enabled: true, enableHidden: true, management: { baseUrl: fake.url, token: fake.token } });
    }
  });
});

describe('models (hidden)', () => {
  it('custom models: the models file space is flat, so folder models fail as in the reference', async () => {
    await fake.seed.file('models', 'notes.txt', 'n');
    expect(await q('show custom models')).toEqual([['notes.txt']]);
    const dir = mkdtempSync(join(tmp, 'model-'));
    writeFileSync(join(dir, 'weights.bin'), 'w');
    await expect(q(`upload custom model 'm1' from '${dir}'`)).rejects.toThrow(/directories are currently not allowed/);
  });

  it('inference API models: start, stop, show, drop', async () => {
    process.env.SINGLESTOREDB_PROJECT = 'p-1';
    try {
      fake.seed.inferenceApi({ projectID: 'p-1', modelName: 'llm' });
      expect(await objects("start model 'llm'")).toEqual([{ Status: 'Initializing', Message: 'Model is Initializing' }]);
      expect((await objects("stop model 'llm'"))[0]).toMatchObject({ Status: expect.any(String) });
      expect(Object.keys((await objects('show models'))[0] ?? { 'Model Name': 1, Status: 1 })).toEqual(['Model Name', 'Status']);
      expect(Object.keys((await objects("drop model 'llm'"))[0])).toEqual(['Model Name', 'Status', 'Message']);
      await expect(q("start model 'nope'")).rejects.toBeInstanceOf(ManagementError);
    } finally {
      delete process.env.SINGLESTOREDB_PROJECT;
    }
  });
});

describe('errors', () => {
  it('a statement that starts like a command but does not parse shows the syntax', async () => {
    const err = await q('show clusters bogus').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FusionSyntaxError);
    expect(err).toBeInstanceOf(ProgrammingError);
    expect((err as Error).message).toContain('SHOW CLUSTERS [ LIKE');
  });
});
