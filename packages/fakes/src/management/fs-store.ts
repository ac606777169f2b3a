import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export class FsError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MIME: Record<string, string> = {
  txt: 'text/plain',
  sql: 'application/sql',
  json: 'application/json',
  csv: 'text/csv',
  py: 'text/x-python',
  md: 'text/markdown',
};

/** A file tree on disk behind one stage deployment or file space; paths are root-relative. */
export class FsStore {
  constructor(readonly root: string) {}

  private abs(p: string): string {
    const clean = p.replace(/^\/+/, '').replace(/\/+$/, '');
    if (clean.split('/').some((s) => s === '..')) throw new FsError(400, 'invalid path');
    return join(this.root, clean);
  }

  async ensure(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  async kind(p: string): Promise<'file' | 'directory' | null> {
    try {
      const s = await stat(this.abs(p));
      return s.isDirectory() ? 'directory' : 'file';
    } catch {
      return null;
    }
  }

  /** The metadata object the service returns (no `content`: the document allows only a string or an array there). */
  async meta(p: string): Promise<Record<string, unknown>> {
    const clean = p.replace(/^\/+/, '').replace(/\/+$/, '');
    const s = await stat(this.abs(clean));
    const dir = s.isDirectory();
    const name = clean.split('/').pop() ?? '';
    const type = dir ? 'directory' : name.endsWith('.ipynb') ? 'notebook' : 'file';
    const ext = name.includes('.') ? name.split('.').pop()!.toLowerCase() : '';
    return {
      name: clean === '' ? '/' : name,
      path: clean === '' ? '/' : dir ? `${clean}/` : clean,
      size: dir ? 0 : s.size,
      type,
      format: dir || type === 'notebook' ? 'json' : MIME[ext]?.startsWith('text') || ext === 'sql' ? 'text' : 'base64',
      mimetype: dir || type === 'notebook' ? null : (MIME[ext] ?? 'application/octet-stream'),
      created: (s.birthtimeMs > 0 ? s.birthtime : s.ctime).toISOString(),
      last_modified: s.mtime.toISOString(),
      writable: true,
    };
  }

  async list(p: string): Promise<Record<string, unknown>> {
    const clean = p.replace(/^\/+/, '').replace(/\/+$/, '');
    const dir = await this.meta(clean);
    const names = (await readdir(this.abs(clean))).sort();
    const content = [];
    for (const n of names) if (!n.startsWith('.s2-upload-')) content.push(await this.meta(clean ? `${clean}/${n}` : n));
    return { ...dir, content };
  }

  async parentExists(p: string): Promise<boolean> {
    const parts = p.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
    parts.pop();
    return parts.length === 0 || (await this.kind(parts.join('/'))) === 'directory';
  }

  tempPath(): string {
    return join(this.root, `.s2-upload-${process.hrtime.bigint()}`);
  }

  async commit(temp: string, p: string): Promise<void> {
    await rename(temp, this.abs(p));
  }

  async mkdir(p: string): Promise<void> {
    await mkdir(this.abs(p));
  }

  async move(from: string, to: string): Promise<void> {
    await rename(this.abs(from), this.abs(to));
  }

  async remove(p: string): Promise<void> {
    await rm(this.abs(p), { recursive: true, force: true });
  }

  async size(p: string): Promise<number> {
    return (await stat(this.abs(p))).size;
  }

  read(p: string) {
    return createReadStream(this.abs(p), { highWaterMark: 256 * 1024 });
  }
}
