/**
 * Install-closure check (issue #11): packs the packages as they would be published and installs
 * the tarballs with plain npm into fresh apps, the way users install s2 piece by piece.
 *
 *   a) @s2/core + @s2/wire: nothing heavy in node_modules (no fastify, apache-arrow,
 *      nodejs-polars, undici, native addon); ESM import and CJS require both query MariaDB; a
 *      strict TypeScript program type-checks with moduleResolution node16 and bundler.
 *   b) @s2/core + @s2/http bundled by esbuild for platform 'browser' queries the Data API
 *      gateway from a context without Node globals; under Node, a mysql:// connection says
 *      which package to install.
 *   c) without the accelerator the results equal those of an install with @s2/native and its
 *      linux-x64 platform package (which does load the addon), and nativeStatus() says why.
 *   e, f) @s2/management's .connect() with and without its optional peer @s2/core (management.ts).
 *
 * Prints every installed package and the tarball sizes. Run: pnpm run check:install-closure
 * (tsx with the s2-source condition, so the MariaDB starter and the gateway run from source).
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runInContext } from 'node:vm';
import { startDataApiGateway } from '../../packages/data-api-gateway/src/index.ts';
import { startMariaDb, webOnlyContext } from '../../packages/testing/src/index.ts';
import {
  buildPackages,
  type InstalledApp,
  installApp,
  packPackages,
  runTool,
  WORKSPACE_ROOT as ROOT,
  withBuildLock,
} from '../../packages/testing/src/pack-install.ts';
import { checkManagementClosure } from './management.ts';
import { type Resolution, typecheckProgram } from './typecheck.ts';

const PACKAGES = ['base', 'wire', 'http', 'core', 'arrow', 'polars', 'management', 'ai'];
const FORBIDDEN = ['fastify', 'apache-arrow', 'nodejs-polars', 'undici', '@s2/native', '@s2/native-linux-x64-gnu'];
const keep = process.env.S2_KEEP_CLOSURE === '1';
const work = mkdtempSync(join(tmpdir(), 's2-closure-'));
const failures: string[] = [];

function check(label: string, ok: boolean, detail = ''): void {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${label}${detail ? `: ${detail}` : ''}`);
  if (!ok) failures.push(label);
}

function step(title: string): void {
  console.log(`\n[closure] ${title}`);
}

/** A fresh app with the given tarballs installed by npm (offline: nothing comes from a registry). */
function app(name: string, tarballs: string[]): InstalledApp {
  const installed = installApp(join(work, name), tarballs);
  console.log(`  installed in ${name}: ${installed.packages.join(', ')}`);
  return installed;
}

// Rows that reach the addon's batch path (more than 16) and a value of most kinds.
const QUERY = `WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 40)
  SELECT n, n * 1.5e0 AS d, CAST(n AS DECIMAL(10,2)) / 3 AS dec3, CONCAT('row-é-', n) AS s,
    CAST(18446744073709551615 AS UNSIGNED) AS big, TIMESTAMP('2024-02-29 12:34:56.123456') + INTERVAL n DAY AS dt,
    IF(n % 3 = 0, NULL, n) AS maybe, X'00ff' AS bin FROM r ORDER BY n`;

/** The user program of apps a/c/d, as ESM or CJS; prints the rows (as JSON) and nativeStatus(). */
function program(kind: 'esm' | 'cjs', target: Record<string, unknown>): string {
  const head = kind === 'esm' ? "import { connect, nativeStatus } from '@s2/core';" : "const { connect, nativeStatus } = require('@s2/core');";
  return `${head}
const replacer = (_k, v) => typeof v === 'bigint' ? 'big:' + v : v && v.type === 'Buffer' ? 'bytes:' + v.data.join(',') : v;
(async () => {
  const conn = await connect(${JSON.stringify(target)});
  try {
    const tuples = await conn.query(${JSON.stringify(QUERY)});
    const objects = await conn.query(${JSON.stringify(QUERY)}, undefined, { resultsType: 'objects' });
    const frame = await conn.queryFrame(${JSON.stringify(QUERY)});
    const columns = frame.columns.map((c) => [c.name, c.type, Array.from(c.values, (v) => (v instanceof Uint8Array ? Array.from(v) : v))]);
    process.stdout.write(JSON.stringify({ status: nativeStatus(), decoder: conn.decoder.kind, rows: { tuples, objects, columns } }, replacer));
  } finally {
    await conn.close();
  }
})().catch((err) => { console.error(err); process.exit(1); });
`;
}

const USER_TS = `import { connect, MissingPackageError, NotSupportedError, type ConnectOptions, type ColumnsFrame } from '@s2/core';

export async function main(options: ConnectOptions): Promise<number> {
  try {
    const conn = await connect(options);
    const rows = await conn.query<[number, string]>('SELECT 1, ?', ['x']);
    const frame: ColumnsFrame = await conn.queryFrame('SELECT 1 AS one');
    await conn.close();
    return rows[0][0] + frame.length;
  } catch (err) {
    if (err instanceof MissingPackageError) return err.packageName.length;
    if (err instanceof NotSupportedError) return -1;
    throw err;
  }
}
`;

function typecheck(dir: string, resolution: Resolution): void {
  const r = typecheckProgram(dir, 'ts', USER_TS, resolution);
  check(`strict TypeScript program type-checks (moduleResolution ${resolution}, skipLibCheck false)`, r.ok, r.ok ? '' : r.output);
}

async function main(): Promise<void> {
  console.log(`[closure] working in ${work}`);
  const tarDir = join(work, 'tarballs');
  // Under the build lock: a closure test running at the same time must not rebuild what is being packed.
  const { tar, nativeSkipped } = withBuildLock(() => {
    step('build');
    buildPackages([], [...PACKAGES, 'native']);
    step('pack');
    const tar = packPackages(PACKAGES, tarDir);
    // The platform package needs the addon built here (setup.sh builds it when Rust is installed).
    try {
      const nativePack = JSON.parse(
        runTool(process.execPath, [join(ROOT, 'packages/native/scripts/pack-npm.mjs'), tarDir], ROOT)
          .trim()
          .split('\n')
          .pop()!,
      ) as { main: string; platform: string };
      tar.native = nativePack.main;
      tar.nativePlatform = nativePack.platform;
      return { tar, nativeSkipped: null };
    } catch (err) {
      const lines = (err as Error).message.split('\n');
      return { tar, nativeSkipped: lines.find((l) => l.includes('missing')) ?? lines[0] };
    }
  });
  for (const [name, file] of Object.entries(tar))
    console.log(`  ${basename(file).padEnd(40)} ${(statSync(file).size / 1024).toFixed(1).padStart(8)} KiB  (${name})`);

  step('servers: throwaway MariaDB and the Data API gateway');
  const db = await startMariaDb();
  const gateway = await startDataApiGateway({ target: { host: db.info.host, port: db.info.port } });
  const target = { host: db.info.host, port: db.info.port, user: db.info.root.user, password: db.info.root.password, database: db.info.database };
  try {
    step('a) @s2/core + @s2/wire');
    const a = app('a-core-wire', [tar.base, tar.wire, tar.core]);
    const heavy = FORBIDDEN.filter((f) => a.packages.some((p) => p.startsWith(`${f}@`)));
    check('no fastify, apache-arrow, nodejs-polars, undici or @s2/native installed', heavy.length === 0, heavy.join(', '));
    check('no native addon (.node) in node_modules', a.addons.length === 0, a.addons.join(', '));
    const esm = JSON.parse(a.runProgram('esm.mjs', program('esm', target)));
    const cjs = JSON.parse(a.runProgram('cjs.cjs', program('cjs', target)));
    check('ESM import runs the query', esm.rows.tuples.length === 40, `${esm.rows.tuples.length} rows`);
    check('CJS require gives the same results', JSON.stringify(cjs.rows) === JSON.stringify(esm.rows));
    typecheck(a.dir, 'node16');
    typecheck(a.dir, 'bundler');

    step('c) the accelerator absent vs. installed (@s2/native + its linux-x64 package)');
    check(
      'without @s2/native: the TypeScript decoder, and nativeStatus() says why',
      esm.decoder === 'pure' && esm.status.loaded === false && /not installed/.test(esm.status.source),
      `${esm.decoder}; ${esm.status.source}`,
    );
    if (nativeSkipped) {
      console.log(`  SKIP the install with @s2/native and its platform package: ${nativeSkipped}`);
    } else {
      const d = app('d-core-wire-native', [tar.base, tar.wire, tar.core, tar.native, tar.nativePlatform]);
      const withNative = JSON.parse(d.runProgram('esm.mjs', program('esm', target)));
      check(
        'with @s2/native: the addon loads from the platform package',
        withNative.decoder === 'native' && withNative.status.loaded === true && /native-linux-x64-gnu/.test(withNative.status.source),
        `${withNative.decoder}; ${withNative.status.source}`,
      );
      check('results identical with and without the accelerator', JSON.stringify(withNative.rows) === JSON.stringify(esm.rows));
    }

    step('b) @s2/core + @s2/http bundled for the browser');
    const b = app('b-core-http', [tar.base, tar.http, tar.core]);
    check('no @s2/wire, fastify or native addon installed', !b.packages.some((p) => /^(@s2\/wire|fastify|@s2\/native)@/.test(p)));
    writeFileSync(
      join(b.dir, 'entry.mjs'),
      `import { connect } from '@s2/core';
globalThis.runQuery = async (url, sql) => {
  const conn = await connect(url);
  try { return await conn.query(sql); } finally { await conn.close(); }
};
`,
    );
    const esbuild = createRequire(join(ROOT, 'packages/http/package.json'))('esbuild') as typeof import('esbuild');
    const bundle = await esbuild.build({
      entryPoints: [join(b.dir, 'entry.mjs')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      absWorkingDir: b.dir,
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0].text;
    console.log(`  browser bundle: ${(code.length / 1024).toFixed(1)} KiB`);
    const nodeImport = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["'](node:|fs["']|net["']|tls["']|async_hooks["'])/.exec(code);
    check('the bundle imports no Node module', nodeImport === null, nodeImport?.[0]);
    const sandbox = webOnlyContext();
    runInContext(code, sandbox);
    const url = `http://${encodeURIComponent(target.user)}:${encodeURIComponent(target.password)}@127.0.0.1:${gateway.port}/${target.database}`;
    const probe = `(async () => ({ hasProcess: typeof process !== 'undefined', hasBuffer: typeof Buffer !== 'undefined', hasRequire: typeof require !== 'undefined',
      rows: await runQuery(${JSON.stringify(url)}, "SELECT 1 AS one, CAST(18446744073709551615 AS UNSIGNED) AS big, 'héllo' AS s") }))()`;
    const out = (await runInContext(probe, sandbox)) as { hasProcess: boolean; hasBuffer: boolean; hasRequire: boolean; rows: unknown[][] };
    check('runs without process, Buffer or require', !out.hasProcess && !out.hasBuffer && !out.hasRequire);
    check(
      'queries the Data API gateway from the bundle',
      JSON.stringify(out.rows, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)) === JSON.stringify([[1, '18446744073709551615n', 'héllo']]),
      JSON.stringify(out.rows, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
    );
    const missing = JSON.parse(
      b.runProgram(
        'mysql.mjs',
        `import { connect, MissingPackageError } from '@s2/core';
try { await connect(${JSON.stringify(target)}); console.log('connected?!'); }
catch (err) { console.log(JSON.stringify({ missing: err instanceof MissingPackageError, pkg: err.packageName, message: err.message })); }
`,
      ),
    );
    check('mysql:// without @s2/wire: MissingPackageError naming @s2/wire', missing.missing === true && missing.pkg === '@s2/wire', missing.message);

    checkManagementClosure({ app, check, step, tar, target });
  } finally {
    await gateway.close();
    await db.stop();
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
  console.log(`\n[closure] ${failures.length === 0 ? 'passed' : `FAILED: ${failures.join('; ')}`}`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

await main();
