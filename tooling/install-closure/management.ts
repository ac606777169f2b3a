/**
 * Install-closure checks of @s2/management's `.connect()` and its optional peer @s2/core:
 *
 *   e) @s2/management + @s2/core + @s2/wire: in an ESM and in a CommonJS app, `.connect()` follows
 *      the app's `options.set()` and `withOptions()` (the CommonJS build must load the app's
 *      CommonJS copy of @s2/core, not a second ESM copy with its own options registry); a strict
 *      TypeScript program gets core's Connection from `.connect<Connection>()`.
 *   f) @s2/ai, which brings @s2/management, without @s2/core: a strict TypeScript program using
 *      both type-checks (their typings must not name the optional peer).
 */
import type { InstalledApp } from '../../packages/testing/src/pack-install.ts';
import { type Resolution, typecheckProgram } from './typecheck.ts';

export interface ManagementClosureContext {
  /** A fresh app with these tarballs installed. */
  app(name: string, tarballs: string[]): InstalledApp;
  check(label: string, ok: boolean, detail?: string): void;
  step(title: string): void;
  /** Tarballs by short package name. */
  tar: Record<string, string>;
  /** The MariaDB to connect to. */
  target: { host: string; port: number; user: string; password: string; database: string };
}

/** Connects through `.connect()` of a cluster whose endpoint (served by a stand-in API) is the MariaDB; prints the rows it got under each option setting. */
function connectProgram(kind: 'esm' | 'cjs', target: ManagementClosureContext['target']): string {
  const head =
    kind === 'esm'
      ? "import http from 'node:http'; import { options, withOptions } from '@s2/core'; import { createManagement } from '@s2/management';"
      : "const http = require('node:http'); const { options, withOptions } = require('@s2/core'); const { createManagement } = require('@s2/management');";
  return `${head}
const id = '11111111-1111-4111-8111-111111111111';
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ clusterID: id, name: 'c', state: 'ACTIVE', endpoint: ${JSON.stringify(`${target.host}:${target.port}`)} }));
});
const login = ${JSON.stringify({ user: target.user, password: target.password, database: target.database })};
async function rows(cluster) {
  const conn = await cluster.connect(login);
  try { return await conn.query('SELECT 1 AS a'); } finally { await conn.close(); }
}
server.listen(0, '127.0.0.1', async () => {
  try {
    const mgmt = createManagement({ baseUrl: 'http://127.0.0.1:' + server.address().port, token: 't', env: {} });
    const cluster = await mgmt.clusters.get(id);
    const defaults = await rows(cluster);
    const scoped = await withOptions({ 'results.type': 'objects' }, () => rows(cluster));
    options.set('results.type', 'objects');
    const global = await rows(cluster);
    process.stdout.write(JSON.stringify({ defaults, scoped, global }));
  } catch (err) {
    console.error(err);
    process.exitCode = 1;
  } finally {
    server.close();
  }
});
`;
}

const WITH_CORE_TS = `import { type Connection, type ConnectOptions, type ColumnsFrame } from '@s2/core';
import { createManagement } from '@s2/management';

export async function main(login: ConnectOptions): Promise<number> {
  const cluster = await createManagement({ token: 't', env: {} }).clusters.get('11111111-1111-4111-8111-111111111111');
  const conn = await cluster.connect<Connection>(login);
  const frame: ColumnsFrame = await conn.queryFrame('SELECT 1 AS one');
  await conn.close();
  return frame.length;
}
`;

const WITHOUT_CORE_TS = `import { chatFactory } from '@s2/ai';
import { createManagement, MissingPeerError, type DatabaseConnection } from '@s2/management';

export async function main(): Promise<number> {
  const chat = await chatFactory({ modelName: 'm', baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'k', env: {} });
  const cluster = await createManagement({ token: 't', env: {} }).clusters.get('11111111-1111-4111-8111-111111111111');
  try {
    const conn: DatabaseConnection = await cluster.connect({ user: 'u', password: 'p', connectTimeout: 5 });
    const rows = await conn.query<{ a: number }>('SELECT 1 AS a');
    await conn.close();
    const reply = await chat.chat([{ role: 'user', content: 'hi' }]);
    return rows.length + reply.text.length;
  } catch (err) {
    if (err instanceof MissingPeerError) return -1;
    throw err;
  }
}
`;

function typecheck(ctx: ManagementClosureContext, app: InstalledApp, name: string, source: string, resolutions: Resolution[]): void {
  for (const resolution of resolutions) {
    const r = typecheckProgram(app.dir, name, source, resolution);
    ctx.check(`strict TypeScript program (${name}) type-checks (moduleResolution ${resolution}, skipLibCheck false)`, r.ok, r.ok ? '' : r.output);
  }
}

export function checkManagementClosure(ctx: ManagementClosureContext): void {
  const { tar } = ctx;
  ctx.step('e) @s2/management + @s2/core + @s2/wire: .connect() in ESM and CommonJS apps');
  const e = ctx.app('e-management-core', [tar.base, tar.wire, tar.core, tar.management]);
  for (const kind of ['esm', 'cjs'] as const) {
    const out = JSON.parse(e.runProgram(kind === 'esm' ? 'connect.mjs' : 'connect.cjs', connectProgram(kind, ctx.target)));
    const expected = { defaults: [[1]], scoped: [{ a: 1 }], global: [{ a: 1 }] };
    ctx.check(
      `${kind === 'esm' ? 'ESM' : 'CommonJS'} app: .connect() follows its withOptions() and options.set()`,
      JSON.stringify(out) === JSON.stringify(expected),
      JSON.stringify(out),
    );
  }
  typecheck(ctx, e, 'with-core', WITH_CORE_TS, ['node16']);

  ctx.step('f) @s2/ai (and so @s2/management) without @s2/core: the typings');
  const f = ctx.app('f-ai', [tar.base, tar.management, tar.ai]);
  ctx.check('@s2/core is not installed', !f.packages.some((p) => p.startsWith('@s2/core@')), f.packages.join(', '));
  typecheck(ctx, f, 'without-core', WITHOUT_CORE_TS, ['node16', 'bundler']);
}
