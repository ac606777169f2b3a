import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagement } from '@s2/management';
import { jobParameter, runCloudCommand, type CliIo } from '../src/cloud/index.js';
import { loadFake } from '../src/cloud/modules.js';
import { sink } from './fixtures/text-sink.js';

type ManagementFake = Awaited<ReturnType<Awaited<ReturnType<typeof loadFake>>['startManagementFake']>>;

let fake: ManagementFake;
let dir: string;
beforeAll(async () => {
  fake = await (await loadFake()).startManagementFake();
  dir = await mkdtemp(join(tmpdir(), 's2-cli-cloud-'));
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(command: 'cloud' | 'stage' | 'files' | 'jobs', argv: string[], opts: { isTTY?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const stdout = sink();
  const stderr = sink();
  const io: CliIo = {
    stdout,
    stderr,
    env: opts.env ?? { SINGLESTOREDB_MANAGEMENT_BASE_URL: fake.url, SINGLESTOREDB_MANAGEMENT_TOKEN: fake.token },
    isTTY: opts.isTTY ?? false,
  };
  const code = await runCloudCommand(command, argv, io);
  return { code, out: stdout.text, err: stderr.text };
}

describe('s2 cloud', () => {
  it('clusters: create, list (table and --json), suspend, resume, drop', async () => {
    const created = await run('cloud', [
      'clusters',
      'create',
      'cli-cluster',
      '--region',
      'us-east-1',
      '--provider',
      'AWS',
      '--firewall',
      '10.0.0.0/8',
      '--json',
    ]);
    expect(created.code, created.err).toBe(0);
    const c = JSON.parse(created.out);
    expect(c).toMatchObject({ name: 'cli-cluster', region: 'us-east-1', firewallRanges: ['10.0.0.0/8'] });
    const table = await run('cloud', ['clusters', 'list']);
    expect(table.out.split('\n')[0]).toMatch(/^name\s+id\s+state/);
    expect(table.out).toContain('cli-cluster');
    const listed = JSON.parse((await run('cloud', ['clusters', 'list', '--json'])).out);
    expect(listed.map((x: { id: string }) => x.id)).toContain(c.id);
    expect((await run('cloud', ['clusters', 'suspend', 'cli-cluster', '--wait'])).out).toContain('SUSPENDED');
    expect((await run('cloud', ['clusters', 'resume', c.id, '--wait'])).out).toContain('ACTIVE');
    const dropped = await run('cloud', ['clusters', 'drop', 'cli-cluster', '--json']);
    expect(dropped.code).toBe(0);
    expect(fake.requests.some((r) => r.method === 'DELETE' && r.path === `/v2/clusters/${c.id}`)).toBe(true);
  });

  it('starter clusters, regions and projects', async () => {
    const sc = await run('cloud', ['starter', 'create', 'cli-starter', '--database', 'cli_db', '--region', 'us-central1', '--json']);
    expect(sc.code, sc.err).toBe(0);
    expect(JSON.parse(sc.out)).toMatchObject({ name: 'cli-starter', databaseName: 'cli_db' });
    expect((await run('cloud', ['starter', 'list'])).out).toContain('cli-starter');
    expect((await run('cloud', ['starter', 'drop', 'cli-starter'])).out).toContain('dropped cli-starter');
    const regions = JSON.parse((await run('cloud', ['regions', '--json'])).out);
    expect(regions.map((r: { regionName: string }) => r.regionName)).toContain('us-east-1');
    expect((await run('cloud', ['regions', '--shared-tier'])).out).toContain('us-central1');
    expect((await run('cloud', ['projects'])).out).toContain('Default Project');
  });

  it('usage errors exit 2, failures exit 1 with the message', async () => {
    const bad = await run('cloud', ['clusters', 'explode']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown clusters command 'explode'");
    const noToken = await run('cloud', ['clusters', 'list'], { env: {} });
    expect(noToken.code).toBe(1);
    expect(noToken.err).toContain('No management token was configured.');
    const help = await run('cloud', ['--help']);
    expect(help.out).toContain('s2 stage ls DEPLOYMENT');
  });
});

describe('--help', () => {
  it('anywhere in a command prints the usage and exits 0 without running it, with or without a token', async () => {
    const c = fake.seed.cluster({ name: 'help-keep' });
    fake.seed.cluster({ name: 'help-stage' });
    const local = join(dir, 'keep.txt');
    await writeFile(local, 'keep');
    expect((await run('files', ['put', 'personal', local, 'keep.txt'])).code).toBe(0);
    const before = fake.requests.length;
    const calls: [Parameters<typeof run>[0], string[]][] = [
      ['cloud', ['clusters', 'drop', 'help-keep', '--help']],
      ['cloud', ['clusters', 'drop', 'help-keep', '--force', '-h']],
      ['cloud', ['clusters', '--help']],
      ['cloud', ['starter', 'drop', 'x', '--help']],
      ['cloud', ['regions', '--help']],
      ['cloud', ['projects', '-h']],
      ['cloud', ['fake', '--help']],
      ['cloud', ['nonsense', '--help']],
      ['files', ['rm', 'personal', 'keep.txt', '--help']],
      ['files', ['rm', 'personal', 'keep.txt', '--no-such-flag', '--help']],
      ['stage', ['rm', 'help-stage', 'dir', '-rh']],
      ['stage', ['ls', '--help']],
      ['jobs', ['run', '--help']],
      ['jobs', ['delete', 'some-id', '--help']],
    ];
    for (const [command, argv] of calls) {
      for (const env of [undefined, {}]) {
        const r = await run(command, argv, { env });
        const label = `${command} ${argv.join(' ')}${env ? ' (no token)' : ''}`;
        expect(r.code, `${label}: ${r.err}`).toBe(0);
        expect(r.out, label).toContain('Usage:\n  s2 cloud clusters list');
        expect(r.err, label).toBe('');
      }
    }
    expect(fake.requests.slice(before).map((q) => `${q.method} ${q.path}`)).toEqual([]);
    expect(fake.state.clusters.get(String(c.clusterID))!.json.state).toBe('ACTIVE');
    expect((await run('files', ['ls', 'personal'])).out).toContain('keep.txt');
    // After `--` it is an argument like any other.
    expect((await run('files', ['rm', 'personal', '--', '--help'])).code).toBe(1);
  });
});

describe('s2 stage / files', () => {
  it('put, ls, mv, get, rm with plain progress lines off a terminal', async () => {
    fake.seed.cluster({ name: 'stage-host' });
    const local = join(dir, 'data.csv');
    await writeFile(local, 'a,b\n1,2\n'.repeat(1000));
    const put = await run('stage', ['put', 'stage-host', local, 'data.csv']);
    expect(put.code, put.err).toBe(0);
    expect(put.out).toContain('uploaded data.csv (8000 bytes)');
    expect(put.err).toMatch(/put data\.csv 100% 8000 bytes of 8000/);
    expect(put.err).not.toContain('\r');
    expect((await run('stage', ['mkdir', 'stage-host', 'dir'])).code).toBe(0);
    expect((await run('stage', ['mv', 'stage-host', 'data.csv', 'dir/data.csv'])).out).toContain('moved data.csv to dir/data.csv');
    const ls = JSON.parse((await run('stage', ['ls', 'stage-host', '-r', '--json'])).out);
    expect(ls.map((o: { path: string }) => o.path)).toEqual(['dir/', 'dir/data.csv']);
    const got = await run('stage', ['get', 'stage-host', 'dir/data.csv', join(dir, 'back.csv')], { isTTY: true });
    expect(got.code, got.err).toBe(0);
    expect(got.err).toContain('\rget dir/data.csv [##############################] 100%');
    expect(await readFile(join(dir, 'back.csv'), 'utf8')).toBe('a,b\n1,2\n'.repeat(1000));
    expect((await run('stage', ['rm', 'stage-host', 'dir', '-r'])).code).toBe(0);
    expect(JSON.parse((await run('stage', ['ls', 'stage-host', '--json'])).out)).toEqual([]);
    const exists = await run('stage', ['get', 'stage-host', 'nope.csv', join(dir, 'x')]);
    expect(exists.code).toBe(1);
  });

  it('a remote path that climbs with .. exits 1 with EINVAL and sends no stage request', async () => {
    fake.seed.cluster({ name: 'climb-host' });
    const before = fake.requests.length;
    for (const argv of [
      ['rm', 'climb-host', '../..'],
      ['get', 'climb-host', '../x.csv', join(dir, 'climb.csv')],
      ['ls', 'climb-host', 'a/../..'],
    ]) {
      const r = await run('stage', argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.err, argv.join(' ')).toContain('EINVAL');
    }
    expect(fake.requests.slice(before).filter((q) => q.path.includes('/stage/') || q.method !== 'GET')).toEqual([]);
  });

  it('files: put and ls in the shared space', async () => {
    const local = join(dir, 'nb.ipynb');
    await writeFile(local, '{"cells": []}');
    expect((await run('files', ['put', 'shared', local, 'nb.ipynb'])).code).toBe(0);
    expect((await run('files', ['ls', 'shared'])).out).toMatch(/nb\.ipynb\s+notebook/);
    expect((await run('files', ['ls', 'elsewhere'])).code).toBe(2);
  });
});

describe('s2 jobs', () => {
  it('run --wait, get, runtimes', async () => {
    const r = await run('jobs', ['run', 'nb.ipynb', '--runtime', 'notebooks-cpu-small', '--param', 'n=3', '--param', 'flag=true', '--wait', '--json']);
    expect(r.code, r.err).toBe(0);
    const job = JSON.parse(r.out);
    expect(job).toMatchObject({ notebook: 'nb.ipynb', mode: 'ONCE', completedExecutions: 1, status: 'COMPLETED×1' });
    const params = fake.requests.find((x) => x.method === 'POST' && x.path === '/v2/jobs')!.body as { parameters: unknown[] };
    expect(params.parameters).toEqual([
      { name: 'n', value: '3', type: 'integer' },
      { name: 'flag', value: 'True', type: 'boolean' },
    ]);
    expect((await run('jobs', ['get', job.jobId])).out).toContain(`jobId: ${job.jobId}`);
    expect((await run('jobs', ['runtimes'])).out).toContain('notebooks-cpu-small');
  });

  it('keeps --param values as typed: a leading zero is a string, big integers and decimals keep every digit', async () => {
    const before = fake.requests.length;
    const r = await run('jobs', [
      'run',
      'nb.ipynb',
      '--param',
      'zip=02134',
      '--param',
      'id=12345678901234567890',
      '--param',
      'ratio=1.50',
      '--param',
      'hex=0x10',
      '--param',
      'neg=-7',
      '--param',
      'empty=',
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    const post = fake.requests.slice(before).find((x) => x.method === 'POST' && x.path === '/v2/jobs')!;
    expect((post.body as { parameters: unknown[] }).parameters).toEqual([
      { name: 'zip', value: '02134', type: 'string' },
      { name: 'id', value: '12345678901234567890', type: 'integer' },
      { name: 'ratio', value: '1.50', type: 'float' },
      { name: 'hex', value: '0x10', type: 'string' },
      { name: 'neg', value: '-7', type: 'integer' },
      { name: 'empty', value: '', type: 'string' },
    ]);
    expect(jobParameter('1e3')).toEqual({ value: '1e3', type: 'float' });
    expect(jobParameter('+1')).toBe('+1');
    expect(jobParameter('Infinity')).toBe('Infinity');
  });
});

describe('numeric flags', () => {
  it('a --timeout or --transition-ms that is not a non-negative number is a usage error (exit 2) before any call', async () => {
    const before = fake.requests.length;
    for (const [command, argv, flag] of [
      ['jobs', ['wait', 'some-id', '--timeout', 'abc'], '--timeout'],
      ['jobs', ['wait', 'some-id', '--timeout='], '--timeout'],
      ['jobs', ['run', 'nb.ipynb', '--wait', '--timeout=-1'], '--timeout'],
      ['jobs', ['run', 'nb.ipynb', '--wait', '--timeout', 'Infinity'], '--timeout'],
      ['cloud', ['fake', '--port', '0', '--transition-ms', 'soon'], '--transition-ms'],
    ] as const) {
      const r = await run(command, [...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toContain(`${flag} must be a non-negative number`);
    }
    expect(fake.requests.slice(before)).toEqual([]);
  });
});

describe('s2 cloud fake', () => {
  it('serves the Management API until stopped', async () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=s2-source', '--import', 'tsx', main, 'cloud', 'fake', '--port', '0', '--json'], {
      cwd: fileURLToPath(new URL('../../../', import.meta.url)),
    });
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const { url, token } = JSON.parse(line) as { url: string; token: string };
    const mgmt = createManagement({ baseUrl: url, token, env: {} });
    expect((await mgmt.regions.list()).length).toBeGreaterThan(0);
    child.kill('SIGTERM');
    expect(await new Promise((r) => child.on('exit', (code) => r(code)))).toBe(0);
  }, 60_000);
});
