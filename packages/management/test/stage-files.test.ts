import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementFake } from '@s2/fakes/management';
import { ManagementError, ManagementFsError, type Management, type Stage, type TransferProgress } from '@s2/management';
import { downloadFile, downloadFolder, globToRegExp, uploadFile, uploadFolder } from '@s2/management/node';
import { fakeAndClient } from './support.js';

let fake: ManagementFake;
let mgmt: Management;
let close: () => Promise<void>;
let stage: Stage;
let tmp: string;
beforeAll(async () => {
  ({ fake, mgmt, close } = await fakeAndClient());
  const c = fake.seed.cluster({ name: 'with-stage' });
  stage = (await mgmt.clusters.get(String(c.clusterID))).stage;
  tmp = await mkdtemp(join(tmpdir(), 's2-stage-test-'));
});
afterAll(async () => {
  await close();
  await rm(tmp, { recursive: true, force: true });
});

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof ManagementFsError ? e.code : e instanceof ManagementError ? `status ${e.status}` : String(e)),
  );

describe('Stage', () => {
  it('root info, upload, download, overwrite rules', async () => {
    const root = await stage.info('/');
    expect(root).toMatchObject({ path: '/', type: 'directory' });
    const f = await stage.upload('select 1;\n', 'upload_test.sql');
    expect(f).toMatchObject({ path: 'upload_test.sql', type: 'file', size: 10 });
    expect(f.lastModifiedAt!.getTime()).toBeGreaterThan(0);
    expect(await stage.downloadText('upload_test.sql')).toBe('select 1;\n');
    expect(await code(stage.upload('x', 'upload_test.sql'))).toBe('EEXIST');
    await stage.upload(new TextEncoder().encode('select 2;'), 'upload_test.sql', { overwrite: true });
    expect(await stage.downloadText('upload_test.sql')).toBe('select 2;');
    expect(fake.requests.filter((r) => r.method === 'PUT').every((r) => r.path.startsWith('/v2/clusters/'))).toBe(true);
  });

  it('directories: mkdir, nested upload, listing relative and recursive, rmdir rules, rename subtree', async () => {
    expect(await stage.mkdir('/lib/')).toMatchObject({ path: 'lib/', type: 'directory' });
    expect(await code(stage.upload('x', 'lib/'))).toBe('EISDIR');
    expect((await stage.upload('a', 'lib/a.sql')).path).toBe('lib/a.sql');
    await stage.mkdir('lib/nest_1');
    await stage.upload('b', 'lib/nest_1/b.sql');
    expect(await code(stage.mkdir('x/y/z/'))).toBe('status 400');
    expect(await stage.isDir('lib/nest_1/')).toBe(true);
    expect(await stage.isFile('lib/nest_1/b.sql')).toBe(true);
    expect(await stage.exists('foo/bar/')).toBe(false);
    expect(await stage.list('/')).toEqual(expect.arrayContaining(['lib/', 'upload_test.sql']));
    expect(await stage.list('lib')).toEqual(['a.sql', 'nest_1/']);
    expect(await stage.list('lib/', { recursive: true })).toEqual(['a.sql', 'nest_1/', 'nest_1/b.sql']);
    expect(await code(stage.rmdir('lib/'))).toBe('ENOTEMPTY');
    expect(await code(stage.rmdir('lib/a.sql'))).toBe('ENOTDIR');
    // A missing folder is a file-system error like the others, not the raw 404 of the metadata read.
    expect(await code(stage.rmdir('missing/'))).toBe('ENOENT');
    await expect(stage.rmdir('missing')).rejects.toThrow('ENOENT: stage path does not exist: missing');
    expect(await code(stage.remove('lib/'))).toBe('EISDIR');
    expect(await code(stage.list('upload_test.sql'))).toBe('ENOTDIR');
    const moved = await stage.rename('lib/', 'lib2/');
    expect(moved.path).toBe('lib2/');
    expect(await stage.list('lib2', { recursive: true })).toEqual(['a.sql', 'nest_1/', 'nest_1/b.sql']);
    expect(await code(stage.rename('missing.sql', 'x.sql'))).toBe('ENOENT');
    await stage.upload('c', 'c.sql');
    expect(await code(stage.rename('c.sql', 'upload_test.sql'))).toBe('EEXIST');
    await stage.rename('c.sql', 'upload_test.sql', { overwrite: true });
    expect(await stage.downloadText('upload_test.sql')).toBe('c');
    const obj = await stage.info('lib2/nest_1/b.sql');
    expect([obj.dirname(), obj.basename(), obj.abspath()]).toEqual(['lib2/nest_1/', 'b.sql', 'lib2/nest_1/b.sql']);
    await stage.remove('lib2/nest_1/b.sql');
    expect(await stage.isDir('lib2/nest_1/')).toBe(true);
    await stage.removeDirs('lib2/');
    expect(await stage.exists('lib2/')).toBe(false);
    expect(await code(stage.upload('x', 'nodir/a.sql'))).toBe('status 400');
  });

  it('uploads web streams and Node streams; reads through open() with progress', async () => {
    const chunks = ['alpha-', 'beta-', 'gamma'];
    const web = new ReadableStream<Uint8Array>({
      start(c) {
        for (const s of chunks) c.enqueue(new TextEncoder().encode(s));
        c.close();
      },
    });
    const events: TransferProgress[] = [];
    await stage.upload(web, 'web.txt', { onProgress: (p) => events.push(p) });
    expect(events.at(-1)).toMatchObject({ bytes: 16, total: null, direction: 'upload' });
    await stage.upload(Readable.from([Buffer.from('node-'), Buffer.from('stream')]), 'node.txt', { size: 11 });
    const down: TransferProgress[] = [];
    const s = await stage.open('node.txt', { onProgress: (p) => down.push(p) });
    expect(new TextDecoder().decode(new Uint8Array(await new Response(s).arrayBuffer()))).toBe('node-stream');
    expect(down.at(-1)).toMatchObject({ bytes: 11, total: 11, direction: 'download' });
    expect(await stage.downloadText('web.txt')).toBe('alpha-beta-gamma');
  });

  it('openWrite streams what is written into a new file; an existing one errors the stream', async () => {
    const { writable, done } = stage.openWrite('written.txt');
    const w = writable.getWriter();
    for (const part of ['one ', 'two ', 'three']) await w.write(new TextEncoder().encode(part));
    await w.close();
    expect((await done).size).toBe(13);
    expect(await stage.downloadText('written.txt')).toBe('one two three');
    const again = stage.openWrite('written.txt');
    await expect(again.done).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(again.writable.getWriter().write(new Uint8Array([1]))).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('Node helpers: files and folders with ignore patterns, both ways', async () => {
    const src = join(tmp, 'src');
    await mkdir(join(src, 'sub', 'deep'), { recursive: true });
    await writeFile(join(src, 'a.csv'), 'a');
    await writeFile(join(src, 'skip.log'), 'log');
    await writeFile(join(src, 'sub', 'b.csv'), 'b');
    await writeFile(join(src, 'sub', 'deep', 'c.csv'), 'c');
    const up = await uploadFolder(stage, src, 'data', { ignore: ['*.log'], includeRoot: true });
    expect(up.map((o) => o.path).sort()).toEqual(['data/src/a.csv', 'data/src/sub/b.csv', 'data/src/sub/deep/c.csv']);
    const out = join(tmp, 'out');
    const written = await downloadFolder(stage, 'data/src', out, { ignore: ['sub/deep/**'] });
    expect(written.length).toBe(2);
    expect(await readFile(join(out, 'sub', 'b.csv'), 'utf8')).toBe('b');
    await uploadFile(stage, join(src, 'a.csv'), 'single.csv');
    await downloadFile(stage, 'single.csv', join(tmp, 'single.csv'));
    expect(await readFile(join(tmp, 'single.csv'), 'utf8')).toBe('a');
    expect(await code(downloadFile(stage, 'single.csv', join(tmp, 'single.csv')))).toBe('EEXIST');
    expect(await code(uploadFile(stage, src, 'dir.csv'))).toBe('EISDIR');
    expect(globToRegExp('**/*.csv').test('a/b/c.csv')).toBe(true);
    expect(globToRegExp('*.csv').test('a/b.csv')).toBe(false);
  });

  it('an in-memory upload is retried after a 503 with the same multipart boundary; a stream upload is not', async () => {
    const path = `/v2/clusters/${stage.deploymentId}/stage/fs/retry.bin`;
    fake.fail({ method: 'PUT', path, status: 503 });
    const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => i % 251);
    expect((await stage.upload(bytes, 'retry.bin')).size).toBe(300_000);
    expect(fake.requests.filter((r) => r.method === 'PUT' && r.path === path)).toHaveLength(2);
    expect(await stage.download('retry.bin')).toEqual(bytes);
    fake.fail({ method: 'PUT', path, status: 503 });
    await expect(stage.upload(Readable.from([Buffer.from('x')]), 'retry.bin', { overwrite: true })).rejects.toMatchObject({ status: 503 });
  });

  it('v1 stage of a workspace group lives under /v1/stage/{id}/fs', async () => {
    const g = fake.seed.workspaceGroup({ name: 'stage-group' });
    const group = await mgmt.workspaces.getGroup(String(g.workspaceGroupID));
    await group.stage.upload('v1', 'x.txt');
    expect(fake.requests.at(-2)!.path).toBe(`/v1/stage/${g.workspaceGroupID}/fs/x.txt`);
    expect(await group.stage.downloadText('x.txt')).toBe('v1');
    await expect(mgmt.stage('00000000-0000-4000-8000-000000000000').list()).rejects.toMatchObject({ status: 404 });
  });

  it('the root of a v1 stage (workspace group, starter workspace) answers info and list', async () => {
    const g = fake.seed.workspaceGroup({ name: 'root-group' });
    const sw = fake.seed.starterWorkspace({ name: 'root-starter' });
    for (const id of [String(g.workspaceGroupID), String(sw.virtualWorkspaceID)]) {
      const v1 = mgmt.stage(id, { version: 'v1' });
      expect(await v1.info('/')).toMatchObject({ path: '/', type: 'directory' });
      await v1.upload('x', 'top.txt');
      expect(await v1.list('/')).toEqual(['top.txt']);
      expect(fake.requests.filter((r) => r.path === `/v1/stage/${id}/fs/`).map((r) => r.status)).toEqual([200, 200]);
    }
  });

  it('names with spaces, # and ? stay inside the path', async () => {
    await stage.upload('odd', 'a b#c?d.txt');
    expect((await stage.info('a b#c?d.txt')).name).toBe('a b#c?d.txt');
  });

  it('a rename target is taken literally: %20 in the new name stays %20', async () => {
    await stage.upload('pct', 'pct-source.txt');
    expect((await stage.rename('pct-source.txt', 'ü%20x;a+b.txt')).path).toBe('ü%20x;a+b.txt');
    expect(await stage.downloadText('ü%20x;a+b.txt')).toBe('pct');
    expect(await stage.exists('ü x;a+b.txt')).toBe(false);
    await stage.remove('ü%20x;a+b.txt');
  });
});

describe('file spaces', () => {
  it('personal and shared: notebooks, no directories, rename and remove', async () => {
    for (const space of [mgmt.files.personal, mgmt.files.shared]) {
      expect(await space.info('/')).toMatchObject({ path: '/', type: 'directory' });
      const nb = await space.upload('{"cells": []}', 'test.ipynb');
      expect(nb.type).toBe('notebook');
      expect(await space.downloadText('test.ipynb')).toBe('{"cells": []}');
      expect(await code(space.upload('x', 'test.ipynb'))).toBe('EEXIST');
      expect(await code(space.mkdir('dir'))).toMatch(/Error|status/);
      await expect(space.mkdir('dir')).rejects.toThrow('Operation not supported: directories are currently not allowed in Files API');
      await expect(space.exists('dir/')).rejects.toMatchObject({ status: 400 });
      await expect(space.upload('x', 'dir/a.txt')).rejects.toThrow(/directories/);
      await space.rename('test.ipynb', 'renamed.ipynb');
      expect(await space.list()).toContain('renamed.ipynb');
      const obj = await space.info('renamed.ipynb');
      expect(obj.dirname()).toBe('/');
      await obj.remove();
      expect(await space.exists('renamed.ipynb')).toBe(false);
    }
    expect(fake.requests.some((r) => r.path.startsWith('/v2/files/fs/shared/'))).toBe(true);
  });
});
