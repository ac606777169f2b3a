/**
 * Local files of UPLOAD / DOWNLOAD: anything the file system refuses (a folder where a file is
 * expected, a missing parent folder, no permission) is a FusionFileError, the OSError of
 * the SingleStoreDB Python SDK (singlestoredb 1.18.1), with the Node error as its cause.
 */
import { existsSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import type { FileLocation } from '@s2/management';
import { uploadFile } from '@s2/management/node';
import { FusionFileError } from '../errors.js';

function refused(what: string, path: string, err: unknown): FusionFileError {
  const code = (err as { code?: string }).code;
  const reason = code === 'EISDIR' ? 'it is a folder' : code === 'ENOENT' ? 'its folder does not exist' : (err as Error).message;
  return new FusionFileError(`cannot ${what} local file ${path}: ${reason}`, { cause: err });
}

/**
 * Uploads a local file, streamed from disk (never read whole into memory) under its local base
 * name, as the Python SDK sends it.
 */
export async function uploadLocalFile(location: FileLocation, path: string, remotePath: string, overwrite: boolean): Promise<void> {
  const st = await stat(path).catch((err: unknown) => {
    if ((err as { code?: string }).code === 'ENOENT') throw new FusionFileError(`local file does not exist: ${path}`, { cause: err });
    throw refused('read', path, err);
  });
  if (!st.isFile()) throw refused('read', path, Object.assign(new Error('not a file'), { code: st.isDirectory() ? 'EISDIR' : 'EINVAL' }));
  await uploadFile(location, path, remotePath, { overwrite });
}

/** Writes `bytes`; an existing file is an error unless `overwrite`. */
export async function writeLocalFile(path: string, bytes: Uint8Array, overwrite: boolean): Promise<void> {
  if (!overwrite && existsSync(path)) throw new FusionFileError(`local file already exists: ${path}`);
  try {
    await writeFile(path, bytes);
  } catch (err) {
    throw refused('write', path, err);
  }
}
