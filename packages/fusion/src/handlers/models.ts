/** Custom models (the `models` file space) and inference API models; hidden by default (fusion.md §6.5). */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { normalizePath, type ModelOperationResult } from '@s2/management';
import { FusionFileError } from '../errors.js';
import { FusionResult } from '../result.js';
import type { FusionRun } from '../registry.js';
import { fileSpace, showFiles } from './filesystem.js';
import { uploadLocalFile, writeLocalFile } from './local-files.js';

const models = fileSpace('models');

/** Files under a local directory, as paths relative to it. */
async function localTree(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await localTree(root, rel)));
    else out.push(rel);
  }
  return out;
}

const uploadCustomModel: FusionRun = async (params, ctx) => {
  const space = await models(ctx.management(), params);
  const name = normalizePath(String(params.model_name)).replace(/\/+$/, '');
  const local = String(params.local_path);
  if (!existsSync(local)) throw new FusionFileError(`local path does not exist: ${local}`);
  const overwrite = params.overwrite === true;
  // A file goes under the model folder by its base name;
  // the SingleStoreDB Python SDK (singlestoredb 1.18.1) loses the prefix for absolute paths.
  const files = statSync(local).isDirectory()
    ? (await localTree(local)).map((rel) => [join(local, rel), `${name}/${rel}`])
    : [[local, `${name}/${basename(local)}`]];
  for (const [from, to] of files) await uploadLocalFile(space, from, to, overwrite);
  return null;
};

const downloadCustomModel: FusionRun = async (params, ctx) => {
  const space = await models(ctx.management(), params);
  const name = normalizePath(String(params.model_name)).replace(/\/+$/, '');
  const target = (params.local_path as string | null) || name;
  const overwrite = params.overwrite === true;
  for (const entry of await space.listObjects(`${name}/`, { recursive: true })) {
    if (entry.isDir()) continue;
    const dest = join(target, entry.path);
    // Entry names come from the server: none may lead out of the target folder.
    const inside = relative(resolve(target), resolve(dest));
    if (!inside || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
      throw new FusionFileError(`refusing to write ${entry.path}: it is outside ${target}`);
    if (existsSync(dest) && !overwrite) throw new FusionFileError(`local file already exists: ${dest}`);
    await mkdir(dirname(dest), { recursive: true });
    await writeLocalFile(dest, await space.download(`${name}/${entry.path}`), true);
  }
  return null;
};

const dropCustomModel: FusionRun = async (params, ctx) => {
  await (await models(ctx.management(), params)).removeDirs(`${normalizePath(String(params.model_name)).replace(/\/+$/, '')}/`);
  return null;
};

const operation = (r: ModelOperationResult, withName: boolean) => {
  const res = new FusionResult();
  if (withName) res.addField('Model Name', 'STRING');
  res.addField('Status', 'STRING').addField('Message', 'STRING');
  return res.setRows([[...(withName ? [r.name] : []), r.status, `Model is ${r.status}`]]);
};

const inference = (ctx: Parameters<FusionRun>[1]) => ctx.management().inferenceApis;

export const modelCommands: Record<string, FusionRun> = {
  'SHOW CUSTOM MODELS': showFiles(models),
  'UPLOAD CUSTOM MODEL': uploadCustomModel,
  'DOWNLOAD CUSTOM MODEL': downloadCustomModel,
  'DROP CUSTOM MODEL': dropCustomModel,
  'START MODEL': async (params, ctx) => {
    await inference(ctx).get(String(params.model_name));
    return operation(await inference(ctx).start(String(params.model_name)), false);
  },
  'STOP MODEL': async (params, ctx) => {
    await inference(ctx).get(String(params.model_name));
    return operation(await inference(ctx).stop(String(params.model_name)), false);
  },
  'DROP MODEL': async (params, ctx) => {
    await inference(ctx).get(String(params.model_name));
    return operation(await inference(ctx).drop(String(params.model_name)), true);
  },
  'SHOW MODELS': async (_params, ctx) => {
    const list = await inference(ctx).show();
    return new FusionResult()
      .addField('Model Name', 'STRING')
      .addField('Status', 'STRING')
      .setRows(list.map((x) => [x.name, x.status]));
  },
};
