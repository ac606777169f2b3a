import type { Context } from '../context.js';
import { ManagementError, ManagementFsError } from '../errors.js';
import { encodePath, type CallOptions } from '../http/client.js';
import { collect, countingStream, describe, isReplayable, isUploadSource, knownSize, multipartBody, newBoundary, type UploadSource } from './body.js';
import { FilesObject } from './object.js';
import type { FileOps, TransferOptions } from './types.js';

export type { TransferOptions } from './types.js';

export interface UploadOptions extends TransferOptions {
  /** Replace an existing file (a directory is never replaced). */
  overwrite?: boolean;
  /** Total size of a stream source, for progress totals. */
  size?: number;
  /** File name announced in the multipart part (default: the last path segment). */
  filename?: string;
}

export interface ListOptions extends CallOptions {
  recursive?: boolean;
}

/**
 * A path without leading `./` or `/`, duplicate slashes collapsed. Anything but a string, and a
 * `.` or `..` segment (which would climb out of the location once fetch resolves the URL), is
 * an EINVAL error.
 */
export function normalizePath(path: string): string {
  if (typeof path !== 'string') throw new ManagementFsError('EINVAL', `a path must be a string, got ${path === null ? 'null' : typeof path}`);
  let clean = path.replace(/^(\.\/|\/)+/, '').replace(/\/{2,}/g, '/');
  if (clean === '.') clean = '';
  if (clean.split('/').some((s) => s === '.' || s === '..'))
    throw new ManagementFsError('EINVAL', `'.' and '..' are not allowed in a path: ${JSON.stringify(path)}`);
  return clean;
}

/** The common part of Stage and the file spaces: one file system behind `…/fs/{path}`. */
export abstract class FileLocation implements FileOps {
  constructor(
    readonly ctx: Context,
    readonly version: string,
  ) {}

  /** The API path of `path` under this location (already encoded). */
  protected abstract fsPath(path: string): string;
  /** Whether the location has directories (Stage does, file spaces do not). */
  abstract readonly directories: boolean;
  protected abstract readonly label: string;

  protected noDirectories(): never {
    throw new ManagementError('Operation not supported: directories are currently not allowed in Files API');
  }

  protected url(path: string): string {
    return this.fsPath(encodePath(normalizePath(path)));
  }

  /** Metadata of a file or directory (`GET …?metadata=1`). */
  async info(path: string, opts: CallOptions = {}): Promise<FilesObject> {
    const p = this.url(path).replace(/\/+$/, '/');
    return new FilesObject(this, await this.ctx.client.json({ path: p, version: this.version, query: { metadata: 1 }, signal: opts.signal }));
  }

  /** The metadata, or null when the path does not exist (404). */
  async infoOrNull(path: string, opts: CallOptions = {}): Promise<FilesObject | null> {
    try {
      return await this.info(path, opts);
    } catch (err) {
      if (err instanceof ManagementError && err.status === 404) return null;
      throw err;
    }
  }

  async exists(path: string, opts: CallOptions = {}): Promise<boolean> {
    return (await this.infoOrNull(path, opts)) !== null;
  }

  async isDir(path: string, opts: CallOptions = {}): Promise<boolean> {
    return (await this.infoOrNull(path, opts))?.isDir() ?? false;
  }

  async isFile(path: string, opts: CallOptions = {}): Promise<boolean> {
    return (await this.infoOrNull(path, opts))?.isFile() ?? false;
  }

  private async listRaw(dir: string, opts: CallOptions): Promise<Record<string, unknown>[]> {
    const p = dir === '/' ? this.fsPath('') : this.url(dir).replace(/\/*$/, '/');
    let res: { content?: unknown };
    try {
      res = await this.ctx.client.json<{ content?: unknown }>({ path: p, version: this.version, signal: opts.signal });
    } catch (err) {
      if (!this.directories && err instanceof ManagementError) throw new ManagementFsError('ENOTDIR', `${dir} is not a directory`);
      throw err;
    }
    if (!Array.isArray(res?.content)) {
      if (!this.directories) throw new ManagementFsError('ENOTDIR', `${dir} is not a directory`);
      return [];
    }
    return res.content as Record<string, unknown>[];
  }

  /**
   * Entries of a directory as FilesObjects whose paths are relative to it (directories end
   * with `/`); `recursive` walks depth-first, parents before children.
   */
  async listObjects(path = '/', opts: ListOptions = {}): Promise<FilesObject[]> {
    const dir = `${normalizePath(path).replace(/\/+$/, '')}/`;
    if (this.directories && dir !== '/' && !(await this.isDir(dir, opts))) throw new ManagementFsError('ENOTDIR', `${path} is not a directory`);
    const out: FilesObject[] = [];
    const walk = async (d: string) => {
      for (const item of await this.listRaw(d, opts)) {
        const obj = new FilesObject(this, item);
        out.push(obj);
        if (opts.recursive && obj.isDir()) await walk(obj.path);
      }
    };
    await walk(dir);
    if (dir !== '/') {
      const depth = dir.split('/').length - 1;
      for (const o of out) o.path = o.path.split('/').slice(depth).join('/');
    }
    return out;
  }

  /** Paths of `listObjects`. */
  async list(path = '/', opts: ListOptions = {}): Promise<string[]> {
    return (await this.listObjects(path, opts)).map((o) => o.path);
  }

  /**
   * Uploads bytes, text, a Blob or a stream to `path` (multipart `PUT`), streamed: the source is
   * never held in memory whole. An existing file is an EEXIST error unless `overwrite`.
   */
  async upload(source: UploadSource, path: string, opts: UploadOptions = {}): Promise<FilesObject> {
    const target = normalizePath(path);
    if (!isUploadSource(source))
      throw new ManagementError(`upload needs bytes, text, a Blob, a ReadableStream or an async iterable of bytes, got ${describe(source)}`);
    if (target === '' || target.endsWith('/')) throw new ManagementFsError('EISDIR', `${path} names a directory; give a file path`);
    if (!this.directories && target.includes('/')) this.noDirectories();
    const existing = await this.infoOrNull(target, opts);
    if (existing) {
      if (existing.isDir()) throw new ManagementFsError('EISDIR', `${this.label} path is a directory: ${path}`);
      if (!opts.overwrite) throw new ManagementFsError('EEXIST', `${this.label} path already exists: ${path}`);
    }
    const total = opts.size ?? knownSize(source);
    const filename = opts.filename ?? target.split('/').pop()!;
    let bytes = 0;
    const tick = (n: number) => {
      bytes += n;
      opts.onProgress?.({ path: target, bytes, total, direction: 'upload' });
    };
    // One boundary for every attempt: a retry (replayable sources only) builds a fresh body.
    const boundary = newBoundary();
    const make = () => {
      bytes = 0;
      return multipartBody(source, filename, tick, boundary);
    };
    await this.ctx.client.request({
      method: 'PUT',
      path: this.url(target),
      version: this.version,
      body: () => make().body,
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      replayable: isReplayable(source),
      signal: opts.signal,
    });
    return this.info(target, opts);
  }

  /**
   * A writable stream into a new file: what is written goes out as one streamed upload; `done`
   * resolves with the file's metadata once the stream is closed (and rejects, erroring the
   * stream, when the upload fails — an existing file without `overwrite`, for one).
   */
  openWrite(path: string, opts: UploadOptions = {}): { writable: WritableStream<Uint8Array>; done: Promise<FilesObject> } {
    const pipe = new TransformStream<Uint8Array, Uint8Array>();
    const done = this.upload(pipe.readable, path, opts);
    done.catch((err: unknown) => {
      // Unblocks writers: cancelling the readable side errors the writable side.
      if (!pipe.readable.locked) pipe.readable.cancel(err).catch(() => undefined);
    });
    return { writable: pipe.writable, done };
  }

  /** A streaming read of a file (`GET …/fs/{path}`); progress counts the bytes as they are read. */
  async open(path: string, opts: TransferOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const target = normalizePath(path);
    const res = await this.ctx.client.request({ path: this.url(target), version: this.version, signal: opts.signal });
    const len = res.headers.get('content-length');
    const total = len != null && len !== '' ? Number(len) : null;
    const body = res.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    if (!opts.onProgress) return body;
    let bytes = 0;
    return countingStream(body, (n) => {
      bytes += n;
      opts.onProgress!({ path: target, bytes, total, direction: 'download' });
    });
  }

  /** The content of a file (a directory is EISDIR). For large files use `open` or the Node helpers. */
  async download(path: string, opts: TransferOptions = {}): Promise<Uint8Array> {
    if (await this.isDir(path, opts)) throw new ManagementFsError('EISDIR', `${path} is a directory`);
    return collect(await this.open(path, opts));
  }

  async downloadText(path: string, opts: TransferOptions = {}): Promise<string> {
    return new TextDecoder().decode(await this.download(path, opts));
  }

  /** Creates a directory (its parent must exist); an existing one is returned as is. */
  async mkdir(path: string, opts: CallOptions = {}): Promise<FilesObject> {
    if (!this.directories) this.noDirectories();
    const dir = `${normalizePath(path).replace(/\/+$/, '')}/`;
    const existing = await this.infoOrNull(dir, opts);
    if (existing) return existing;
    await this.ctx.client.request({ method: 'PUT', path: this.url(dir), version: this.version, query: { isFile: 'false' }, signal: opts.signal });
    return this.info(dir, opts);
  }

  /** Moves a file, or (Stage) a directory subtree; the target must not exist unless `overwrite`. */
  async rename(oldPath: string, newPath: string, opts: CallOptions & { overwrite?: boolean } = {}): Promise<FilesObject> {
    const target0 = normalizePath(newPath);
    normalizePath(oldPath);
    if (!this.directories && (oldPath.endsWith('/') || newPath.endsWith('/'))) this.noDirectories();
    if (!(await this.exists(oldPath, opts))) throw new ManagementFsError('ENOENT', `${this.label} path does not exist: ${oldPath}`);
    const target = await this.infoOrNull(newPath, opts);
    if (target) {
      if (!opts.overwrite) throw new ManagementFsError('EEXIST', `${this.label} path already exists: ${newPath}`);
      if (oldPath.endsWith('/') && !newPath.endsWith('/')) throw new ManagementFsError('EINVAL', 'original and new paths are not the same type');
      if (target.isDir()) await this.removeDirs(newPath, opts);
      else await this.remove(newPath, opts);
    }
    await this.ctx.client.request({ method: 'PATCH', path: this.url(oldPath), version: this.version, json: { newPath: target0 }, signal: opts.signal });
    return this.info(newPath, opts);
  }

  /** Deletes a file (a directory is EISDIR). */
  async remove(path: string, opts: CallOptions = {}): Promise<void> {
    if (await this.isDir(path, opts)) throw new ManagementFsError('EISDIR', `${path} is a directory, use rmdir or removeDirs`);
    await this.ctx.client.request({ method: 'DELETE', path: this.url(path), version: this.version, signal: opts.signal });
  }

  /** Deletes a directory and everything under it. */
  async removeDirs(path: string, opts: CallOptions = {}): Promise<void> {
    if (!this.directories) this.noDirectories();
    const dir = `${normalizePath(path).replace(/\/+$/, '')}/`;
    await this.ctx.client.request({ method: 'DELETE', path: this.url(dir), version: this.version, signal: opts.signal });
  }

  /** Deletes an empty directory (ENOTEMPTY otherwise, ENOTDIR for a file, ENOENT when nothing is there). */
  async rmdir(path: string, opts: CallOptions = {}): Promise<void> {
    if (!this.directories) this.noDirectories();
    const info = await this.infoOrNull(path, opts);
    if (!info) throw new ManagementFsError('ENOENT', `${this.label} path does not exist: ${path}`);
    if (!info.isDir()) throw new ManagementFsError('ENOTDIR', `${path} is not a directory`);
    if ((await this.list(path, opts)).length > 0) throw new ManagementFsError('ENOTEMPTY', `${path} is not empty, use removeDirs`);
    await this.removeDirs(path, opts);
  }
}
