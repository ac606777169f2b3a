import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { lookup, obj, requireUuid } from './deployments.js';
import { FsError, FsStore } from './fs-store.js';
import { receiveMultipartFile } from './multipart.js';
import { HttpError, type Req, type Res, type Router } from './router.js';
import { settle, type FakeState } from './state.js';

function collapseSlashes(path: string): string {
  return path.replace(/\/{2,}/g, '/').replace(/^\/+/, '');
}

/** A `{path}` taken from the URL, whose segments are percent-encoded. */
function decodePath(raw: string): string {
  return collapseSlashes(
    raw
      .split('/')
      .map((s) => decodeURIComponent(s))
      .join('/'),
  );
}

function drain(r: Req): void {
  const body = r.body as Readable | undefined;
  if (body && typeof body.resume === 'function') body.resume();
}

/** One file system request (`GET/PUT/PATCH/DELETE …/fs/{path}`); `flat` = the Files API (no directories). */
async function handleFs(store: FsStore, flat: boolean, r: Req): Promise<Res> {
  await store.ensure();
  const path = decodePath(r.params.path ?? '');
  const dirPath = path === '' || path.endsWith('/');
  const clean = path.replace(/\/+$/, '');
  if (flat && (clean.includes('/') || (dirPath && clean !== ''))) {
    drain(r);
    throw new HttpError(400, 'directories are not supported in the Files API');
  }
  const kind = clean === '' ? 'directory' : await store.kind(clean);
  switch (r.method) {
    case 'GET': {
      const metadata = /^(1|true)$/i.test(r.query.metadata ?? '');
      if (!kind || (kind === 'file' && dirPath)) throw new HttpError(404, `${path || '/'} does not exist`);
      if (metadata) return { json: await store.meta(clean) };
      if (kind === 'directory') return { json: await store.list(clean) };
      return { stream: store.read(clean), headers: { 'content-type': 'application/octet-stream', 'content-length': String(await store.size(clean)) } };
    }
    case 'PUT': {
      if (r.query.isFile === 'false' || r.query.isFile === 'False') {
        drain(r);
        if (flat) throw new HttpError(400, 'directories are not supported in the Files API');
        if (kind) throw new HttpError(409, `${path} already exists`);
        if (!(await store.parentExists(clean))) throw new HttpError(400, 'parent directory does not exist');
        await store.mkdir(clean);
        return { json: { name: clean.split('/').pop(), path: `${clean}/` } };
      }
      const ct = String(r.raw.headers['content-type'] ?? '');
      if (!ct.startsWith('multipart/form-data')) {
        drain(r);
        throw new HttpError(400, 'an upload must be multipart/form-data with a part named file');
      }
      if (dirPath) {
        drain(r);
        throw new HttpError(400, 'a file path may not end with /');
      }
      if (kind === 'directory') {
        drain(r);
        throw new HttpError(409, `${path} is a directory`);
      }
      if (!(await store.parentExists(clean))) {
        drain(r);
        throw new HttpError(400, 'parent directory does not exist');
      }
      const temp = store.tempPath();
      try {
        const got = await receiveMultipartFile(r.body as Readable, ct, temp);
        if (got.field !== 'file') throw new HttpError(400, 'the multipart part must be named file');
        await store.commit(temp, clean);
      } catch (err) {
        await store.remove(temp.slice(store.root.length));
        if (err instanceof HttpError) throw err;
        throw new HttpError(400, (err as Error).message);
      }
      return { json: { name: clean.split('/').pop(), path: clean } };
    }
    case 'PATCH': {
      const b = obj(r.body);
      if (typeof b.newPath !== 'string' || b.newPath === '') throw new HttpError(400, 'newPath is required');
      // A JSON value is literal text: `%20` in newPath names a file with `%20` in it.
      const target = collapseSlashes(b.newPath).replace(/\/+$/, '');
      if (flat && (target.includes('/') || b.newPath.endsWith('/'))) throw new HttpError(400, 'directories are not supported in the Files API');
      if (!kind || clean === '') throw new HttpError(404, `${path} does not exist`);
      if (await store.kind(target)) throw new HttpError(409, `${b.newPath} already exists`);
      if (!(await store.parentExists(target))) throw new HttpError(400, 'parent directory of newPath does not exist');
      await store.move(clean, target);
      return { json: { name: target.split('/').pop(), path: kind === 'directory' ? `${target}/` : target } };
    }
    case 'DELETE': {
      if (clean === '') throw new HttpError(400, 'the root cannot be deleted');
      if (!kind) throw new HttpError(404, `${path} does not exist`);
      if (dirPath && kind !== 'directory') throw new HttpError(404, `${path} is not a directory`);
      if (!dirPath && kind === 'directory') throw new HttpError(400, `${path} is a directory`);
      await store.remove(clean);
      return { json: { name: clean.split('/').pop(), path } };
    }
    default:
      throw new HttpError(405, 'method not allowed');
  }
}

export function registerFiles(router: Router, state: FakeState, dataDir: string): void {
  const stageOf = (id: string) => new FsStore(join(dataDir, 'stage', id));
  const fsErr = async (fn: () => Promise<Res>): Promise<Res> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof FsError) throw new HttpError(err.status, err.message);
      throw err;
    }
  };
  const v2Deployment = (raw: string): string => {
    const id = requireUuid(raw);
    const c = state.clusters.get(id);
    if (c && !settle(c).terminatedAt) return id;
    if (state.starterClusters.has(id)) return id;
    throw new HttpError(404, 'cluster not found');
  };
  const v1Deployment = (raw: string): string => {
    const id = requireUuid(raw);
    const g = state.workspaceGroups.get(id);
    if (g && !settle(g).terminatedAt) return id;
    if (state.starterWorkspaces.has(id)) return id;
    lookup(state.workspaceGroups, raw, 'workspace group');
    throw new HttpError(404, 'workspace group is terminated');
  };
  const methods = 'GET|PUT|PATCH|DELETE';
  router.add(methods, '/v2/clusters/:id/stage/fs/*path', (r) => fsErr(() => handleFs(stageOf(v2Deployment(r.params.id!)), false, r)));
  for (const prefix of ['/v1/stage', '/v1/stages'])
    router.add(methods, `${prefix}/:id/fs/*path`, (r) => fsErr(() => handleFs(stageOf(v1Deployment(r.params.id!)), false, r)));
  for (const v of ['v1', 'v2']) {
    router.add(methods, `/${v}/files/fs/:space/*path`, (r) => {
      const space = r.params.space!;
      if (!['personal', 'shared', 'models'].includes(space)) throw new HttpError(404, `unknown file space ${space}`);
      return fsErr(() => handleFs(new FsStore(join(dataDir, 'files', space)), true, r));
    });
  }
}
