/**
 * Stage and the file spaces (personal, shared, models) share one set of commands; each
 * command gets the location it works on from its parameters (fusion.md §6.2, §6.4).
 */
import { existsSync } from 'node:fs';
import type { FileLocation, Management } from '@s2/management';
import type { Params } from '../grammar/index.js';
import { FusionFileError, FusionNotFoundError } from '../errors.js';
import { FusionResult } from '../result.js';
import type { FusionRun } from '../registry.js';
import { decodeText } from './codecs.js';
import { uploadLocalFile, writeLocalFile } from './local-files.js';
import { firstParam, listing } from './support.js';

export type LocationOf = (m: Management, params: Params) => Promise<FileLocation>;

/** SHOW … FILES [ AT ] [ LIKE ] [ ORDER BY ] [ LIMIT ] [ RECURSIVE ] [ EXTENDED ]. */
export function showFiles(locate: LocationOf): FusionRun {
  return async (params, ctx) => {
    const location = await locate(ctx.management(), params);
    const entries = await location.listObjects((params.at_path as string | null) || '/', { recursive: params.recursive === true });
    const res = new FusionResult().addField('Name', 'STRING');
    if (params.extended) {
      res
        .addField('Type', 'STRING')
        .addField('Size', 'INTEGER')
        .addField('Writable', 'STRING')
        .addField('CreatedAt', 'DATETIME')
        .addField('LastModifiedAt', 'DATETIME');
      res.setRows(entries.map((e) => [e.path, e.type, e.size || 0, e.writable ? 'True' : 'False', e.createdAt, e.lastModifiedAt]));
    } else {
      res.setRows(entries.map((e) => [e.path]));
    }
    return listing(res, params);
  };
}

/** UPLOAD …: a local file into the location; an existing target needs OVERWRITE. */
export function uploadFile(locate: LocationOf, target: string): FusionRun {
  return async (params, ctx) => {
    const location = await locate(ctx.management(), params);
    await uploadLocalFile(location, String(params.local_path), String(params[target]), params.overwrite === true);
    return null;
  };
}

/** DOWNLOAD …: to a local file (TO), or as a one-row `Data` result (text with ENCODING, a Python codec name, else bytes). */
export function downloadFile(locate: LocationOf, source: string): FusionRun {
  return async (params, ctx) => {
    const location = await locate(ctx.management(), params);
    const local = params.local_path as string | null;
    if (local && params.overwrite !== true && existsSync(local)) throw new FusionFileError(`local file already exists: ${local}`);
    const bytes = await location.download(String(params[source]));
    if (local) {
      await writeLocalFile(local, bytes, true);
      return null;
    }
    const encoding = params.encoding as string | null;
    if (!encoding) return new FusionResult().addField('Data', 'BLOB').setRows([[bytes]]);
    return new FusionResult().addField('Data', 'STRING').setRows([[decodeText(bytes, encoding)]]);
  };
}

/** DROP … FILE / FOLDER [ RECURSIVE ]. */
export async function dropPath(location: FileLocation, path: string, fileType: string, recursive: boolean): Promise<null> {
  if (fileType === 'file') await location.remove(path);
  else if (recursive) await location.removeDirs(path);
  else await location.rmdir(path);
  return null;
}

export function createFolder(locate: LocationOf, pathKey: string): FusionRun {
  return async (params, ctx) => {
    const location = await locate(ctx.management(), params);
    await location.mkdir(String(params[pathKey]));
    return null;
  };
}

/**
 * A file space by name: the file-space commands fix it, where
 * the SingleStoreDB Python SDK (singlestoredb 1.18.1) reads `file_location`.
 */
export const fileSpace =
  (name: 'personal' | 'shared' | 'models'): LocationOf =>
  async (m) =>
    m.files.space(name);

export const filesCommands = (space: 'personal' | 'shared') => ({
  show: showFiles(fileSpace(space)),
  upload: uploadFile(fileSpace(space), 'path'),
  download: downloadFile(fileSpace(space), 'path'),
  create: createFolder(fileSpace(space), 'path'),
  drop: (async (params, ctx) => {
    const type = firstParam(params, ['file_type']);
    if (!type) throw new FusionNotFoundError('file type was not specified');
    return dropPath(await fileSpace(space)(ctx.management(), params), String(params.path), type.toLowerCase(), params.recursive === true);
  }) as FusionRun,
});
