/**
 * Node-only helpers of @s2/management: local files and folders to and from a Stage or a file
 * space, streamed both ways (a file is never read into memory whole).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename, dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { ManagementFsError } from './errors.js';
import type { FileLocation, TransferOptions, UploadOptions } from './fs/location.js';
import { normalizePath } from './fs/location.js';
import type { FilesObject } from './fs/object.js';
import type { GetWithBody, ManagementOptions } from './http/config.js';
import { createManagement, type Management } from './management.js';

export interface FolderOptions extends TransferOptions {
  overwrite?: boolean;
  /** Walk sub-folders (default true). */
  recursive?: boolean;
  /** Put the folder itself (its base name) at the top of the target (default false). */
  includeRoot?: boolean;
  /** Glob patterns (`*`, `**`, `?`) matched against the relative path with `/` separators. */
  ignore?: string[];
}

/** A glob pattern as a RegExp: `**` crosses folders, `*` and `?` do not. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function ignored(rel: string, patterns: RegExp[]): boolean {
  return patterns.some((p) => p.test(rel) || p.test(rel.split('/').pop()!) || rel.split('/').some((_, i, parts) => p.test(parts.slice(0, i + 1).join('/'))));
}

/** Uploads a local file (streamed from disk; progress totals come from its size). */
export async function uploadFile(location: FileLocation, localPath: string, remotePath: string, opts: UploadOptions = {}): Promise<FilesObject> {
  const st = await stat(localPath).catch(() => null);
  if (!st) throw new ManagementFsError('ENOENT', `local path does not exist: ${localPath}`);
  if (!st.isFile()) throw new ManagementFsError('EISDIR', `local path is not a file: ${localPath}`);
  return location.upload(createReadStream(localPath, { highWaterMark: 256 * 1024 }), remotePath, { size: st.size, filename: basename(localPath), ...opts });
}

/** Downloads a file to a local path (streamed to disk); an existing local file is EEXIST unless `overwrite`. */
export async function downloadFile(
  location: FileLocation,
  remotePath: string,
  localPath: string,
  opts: TransferOptions & { overwrite?: boolean } = {},
): Promise<void> {
  if (!opts.overwrite && (await stat(localPath).catch(() => null)))
    throw new ManagementFsError('EEXIST', `local path already exists (pass overwrite): ${localPath}`);
  if (await location.isDir(remotePath, opts)) throw new ManagementFsError('EISDIR', `${remotePath} is a directory`);
  await mkdir(dirname(localPath), { recursive: true });
  const stream = await location.open(remotePath, opts);
  await pipeline(Readable.fromWeb(stream as unknown as NodeWebReadableStream<Uint8Array>), createWriteStream(localPath), { signal: opts.signal });
}

async function walk(root: string, recursive: boolean): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string) => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (recursive) await visit(full);
      } else if (entry.isFile()) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  await visit(root);
  return out;
}

/**
 * Uploads every file under a local folder to `remotePath/<relative path>`; on a Stage the
 * intermediate directories are created. Returns the uploaded objects.
 */
export async function uploadFolder(location: FileLocation, localPath: string, remotePath: string, opts: FolderOptions = {}): Promise<FilesObject[]> {
  const st = await stat(localPath).catch(() => null);
  if (!st?.isDirectory()) throw new ManagementFsError('ENOTDIR', `local path is not a directory: ${localPath}`);
  const patterns = (opts.ignore ?? []).map(globToRegExp);
  let prefix = normalizePath(remotePath).replace(/\/+$/, '');
  if (opts.includeRoot) prefix = prefix ? `${prefix}/${basename(localPath)}` : basename(localPath);
  const files = (await walk(localPath, opts.recursive ?? true)).filter((rel) => !ignored(rel, patterns));
  const made = new Set<string>();
  const ensureDir = async (dir: string) => {
    if (!dir || made.has(dir)) return;
    await ensureDir(dir.split('/').slice(0, -1).join('/'));
    await location.mkdir(`${dir}/`, opts);
    made.add(dir);
  };
  const out: FilesObject[] = [];
  for (const rel of files) {
    const target = prefix ? `${prefix}/${rel}` : rel;
    const parent = target.split('/').slice(0, -1).join('/');
    if (parent && location.directories) await ensureDir(parent);
    out.push(await uploadFile(location, join(localPath, ...rel.split('/')), target, opts));
  }
  return out;
}

/** Downloads every file under a remote folder into `localPath`, creating local folders. */
export async function downloadFolder(location: FileLocation, remotePath: string, localPath: string, opts: FolderOptions = {}): Promise<string[]> {
  const patterns = (opts.ignore ?? []).map(globToRegExp);
  const base = normalizePath(remotePath).replace(/\/+$/, '');
  const entries = await location.listObjects(base || '/', { recursive: opts.recursive ?? true, signal: opts.signal });
  const written: string[] = [];
  await mkdir(localPath, { recursive: true });
  for (const e of entries) {
    const rel = e.path.replace(/\/+$/, '');
    // Names come from the service: one that climbs ('..') or is absolute would land outside localPath.
    if (rel === '' || rel.startsWith('/') || rel.split('/').some((s) => s === '..' || s === '.' || s.includes('\\'))) {
      throw new ManagementFsError('EINVAL', `refusing to download ${JSON.stringify(e.path)}: it would be written outside ${localPath}`);
    }
    if (ignored(rel, patterns)) continue;
    const local = join(localPath, ...rel.split('/'));
    if (e.isDir()) await mkdir(local, { recursive: true });
    else {
      await downloadFile(location, base ? `${base}/${rel}` : rel, local, opts);
      written.push(local);
    }
  }
  return written;
}

/** A GET (or HEAD) with a JSON body over node:http(s): the export status calls need one and fetch cannot send it. */
export const nodeGetWithBody: GetWithBody = (url, init) =>
  new Promise<Response>((resolve, reject) => {
    const u = new URL(url);
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      u,
      {
        method: 'GET',
        headers: { ...init.headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(init.body)) },
        signal: init.signal,
      },
      (res) => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v != null) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve(new Response(Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>, { status: res.statusCode ?? 500, headers }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });

/** `createManagement` with the Node transport for GETs with a body (export status). */
export function createNodeManagement(options: ManagementOptions = {}): Management {
  return createManagement({ getWithBody: nodeGetWithBody, ...options });
}
