/**
 * Local files of UPLOAD / DOWNLOAD that cannot be read or written: a typed FusionFileError (the
 * reference's OSError), never a raw Node error out of cursor.execute.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '@s2/core';
import { startManagementFake, type ManagementFake } from '@s2/fakes/management';
import { testServer } from '@s2/testing/vitest';
import { FusionFileError, installFusion } from '../src/index.js';
import { modelCommands } from '../src/handlers/models.js';

let fake: ManagementFake;
let conn: Connection;
const tmp = mkdtempSync(join(tmpdir(), 'fusion-local-'));
const dir = join(tmp, 'a-folder');

beforeAll(async () => {
  fake = await startManagementFake();
  installFusion({ enabled: true, enableHidden: true, management: { baseUrl: fake.url, token: fake.token } });
  const info = testServer();
  conn = await connect(`${info.url}/${info.database}`);
  fake.seed.cluster({ name: 'stagey' });
  mkdirSync(dir);
  writeFileSync(join(tmp, 'f.txt'), 'hello');
  await conn.query(`upload shared file to 'f.txt' from '${join(tmp, 'f.txt')}'`);
});

afterAll(async () => {
  await conn.close();
  await fake.close();
});

describe('local paths that are not files', () => {
  it.each([
    ['uploading a folder as a file', `upload shared file to 'x.txt' from '${dir}'`],
    ['uploading a folder to Stage', `upload file to stage 'x.txt' in 'stagey' from '${dir}'`],
    ['downloading onto a folder (OVERWRITE)', `download shared file 'f.txt' to '${dir}' overwrite`],
    ['downloading into a missing folder', `download shared file 'f.txt' to '${join(tmp, 'missing', 'f.txt')}'`],
  ])('%s is a FusionFileError', async (_label, sql) => {
    const err = await conn.query(sql).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FusionFileError);
    expect((err as Error).message).toContain(tmp);
  });

  it('the connection is fine afterwards', async () => {
    expect(await conn.query("download shared file 'f.txt' encoding 'utf-8'")).toEqual([['hello']]);
  });
});

describe('DOWNLOAD CUSTOM MODEL with entry paths from the server', () => {
  // A stand-in file space: the path names come from the Management API, not from the statement.
  const ctxWith = (paths: string[]) =>
    ({
      management: () => ({
        files: {
          space: () => ({ listObjects: async () => paths.map((path) => ({ path, isDir: () => false })), download: async () => new TextEncoder().encode('x') }),
        },
      }),
    }) as never;

  it('an entry that would land outside the target folder is refused and nothing is written there', async () => {
    const target = join(tmp, 'model-out');
    const outside = join(tmp, 'escaped.txt');
    const run = modelCommands['DOWNLOAD CUSTOM MODEL'];
    await expect(run({ model_name: 'm1', local_path: target, overwrite: false }, ctxWith(['ok.txt', '../escaped.txt']))).rejects.toBeInstanceOf(
      FusionFileError,
    );
    expect(existsSync(outside)).toBe(false);
    expect(readFileSync(join(target, 'ok.txt'), 'utf8')).toBe('x');
  });
});

describe('uploads of local files', () => {
  it('send the file under its local name, as the reference does (the remote name may differ)', async () => {
    const bodies: string[] = [];
    const capture: typeof fetch = async (input, init) => {
      if (init?.method === 'PUT' && init.body) {
        const bytes = new Uint8Array(await new Response(init.body as BodyInit).arrayBuffer());
        bodies.push(new TextDecoder().decode(bytes));
        const { duplex: _duplex, ...rest } = init as RequestInit & { duplex?: string };
        return fetch(input, { ...rest, body: bytes });
      }
      return fetch(input, init);
    };
    installFusion({ management: { baseUrl: fake.url, token: fake.token, fetch: capture } });
    try {
      const local = join(tmp, 'local-name.csv');
      writeFileSync(local, 'a,b\n1,2\n');
      await conn.query(`upload shared file to 'remote-name.csv' from '${local}'`);
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toContain('filename="local-name.csv"');
      expect(bodies[0]).toContain('a,b\n1,2\n');
      expect(await conn.query("download shared file 'remote-name.csv' encoding 'utf-8'")).toEqual([['a,b\n1,2\n']]);
    } finally {
      installFusion({ management: { baseUrl: fake.url, token: fake.token } });
    }
  });
});
