/**
 * Local files of UPLOAD / DOWNLOAD: anything the file system refuses (a folder where a file is
 * expected, a missing parent folder, no permission, a file too large to read) is a
 * FusionFileError, the reference's OSError, with the Node error as its cause.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { FusionFileError } from '../errors.js';

function refused(what: string, path: string, err: unknown): FusionFileError {
  const code = (err as { code?: string }).code;
  const reason = code === 'EISDIR' ? 'it is a folder' : code === 'ENOENT' ? 'its folder does not exist' : (err as Error).message;
  return new FusionFileError(`cannot ${what} local file ${path}: ${reason}`, { cause: err });
}

export async function readLocalFile(path: string): Promise<Uint8Array> {
  if (!existsSync(path)) throw new FusionFileError(`local file does not exist: ${path}`);
  try {
    return await readFile(path);
  } catch (err) {
    throw refused('read', path, err);
  }
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
