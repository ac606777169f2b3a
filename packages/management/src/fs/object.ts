import type { CallOptions } from '../http/client.js';
import { ManagementFsError } from '../errors.js';
import { str } from '../models/common.js';
import { toDate } from '../util/dates.js';
import type { FileOps, TransferOptions } from './types.js';

/** A file or directory in a Stage or a file space. */
export class FilesObject {
  name: string;
  /** Path from the root without a leading `/`; directories end with `/`; the root is `/`. */
  path: string;
  size: number;
  /** `directory`, `file` or `notebook` (anything but `directory` is a file). */
  type: string;
  format: string | null;
  mimetype: string | null;
  createdAt: Date | null;
  lastModifiedAt: Date | null;
  writable: boolean;

  constructor(
    private readonly location: FileOps,
    o: Record<string, unknown>,
  ) {
    this.name = String(o.name ?? '');
    this.type = String(o.type ?? 'file');
    let p = String(o.path ?? '');
    if (this.type === 'directory' && p !== '/') p = `${p.replace(/\/+$/, '')}/`;
    this.path = p;
    this.size = Number(o.size ?? 0);
    this.format = str(o.format);
    this.mimetype = str(o.mimetype);
    this.createdAt = toDate(o.created);
    this.lastModifiedAt = toDate(o.last_modified);
    this.writable = !!o.writable;
  }

  isDir(): boolean {
    return this.type === 'directory';
  }

  isFile(): boolean {
    return this.type !== 'directory';
  }

  abspath(): string {
    return this.path;
  }

  basename(): string {
    return this.name;
  }

  /** The parent directory with a trailing `/` (`/` for top-level entries). */
  dirname(): string {
    const parts = this.path.replace(/\/+$/, '').split('/');
    parts.pop();
    const parent = parts.join('/').replace(/\/+$/, '');
    return parent ? `${parent}/` : '/';
  }

  exists(opts: CallOptions = {}): Promise<boolean> {
    return this.location.exists(this.path, opts);
  }

  /** A streaming read of the file's content. */
  open(opts: TransferOptions = {}): Promise<ReadableStream<Uint8Array>> {
    if (this.isDir()) throw new ManagementFsError('EISDIR', `${this.path} is a directory`);
    return this.location.open(this.path, opts);
  }

  download(opts: TransferOptions = {}): Promise<Uint8Array> {
    if (this.isDir()) throw new ManagementFsError('EISDIR', `${this.path} is a directory`);
    return this.location.download(this.path, opts);
  }

  remove(opts: CallOptions = {}): Promise<void> {
    if (this.isDir()) throw new ManagementFsError('EISDIR', `${this.path} is a directory, use rmdir or removeDirs`);
    return this.location.remove(this.path, opts);
  }

  rmdir(opts: CallOptions = {}): Promise<void> {
    if (!this.isDir()) throw new ManagementFsError('ENOTDIR', `${this.path} is not a directory`);
    return this.location.rmdir(this.path, opts);
  }

  removeDirs(opts: CallOptions = {}): Promise<void> {
    if (!this.isDir()) throw new ManagementFsError('ENOTDIR', `${this.path} is not a directory`);
    return this.location.removeDirs(this.path, opts);
  }

  async rename(newPath: string, opts: CallOptions & { overwrite?: boolean } = {}): Promise<this> {
    const moved = await this.location.rename(this.path, newPath, opts);
    this.name = moved.name;
    this.path = moved.path;
    return this;
  }

  toJSON(): Record<string, unknown> {
    const { name, path, size, type, format, mimetype, createdAt, lastModifiedAt, writable } = this;
    return { name, path, size, type, format, mimetype, createdAt, lastModifiedAt, writable };
  }

  toString(): string {
    return `FilesObject(name=${JSON.stringify(this.name)}, path=${JSON.stringify(this.path)}, type=${JSON.stringify(this.type)}, size=${this.size})`;
  }
}
