import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, pythonSdk } from '@s2/testing';

const run = promisify(execFile);
const HERE = fileURLToPath(new URL('.', import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

export type ServerId = 's2-native' | 's2-pure' | 'python' | 'echo' | 'echo-fastify';

export interface RunningServer {
  id: ServerId;
  port: number;
  pid: number;
  /** What the server said about itself (native codec status, versions). */
  note: string;
  /** Server process CPU seconds so far (user + system, all threads), or null if /proc is unreadable. */
  cpuSeconds(): number | null;
  stop(): Promise<void>;
}

let clockTicks = 100;
try {
  clockTicks = Number((await run('getconf', ['CLK_TCK'])).stdout.trim()) || 100;
} catch {
  /* keep 100 */
}

/**
 * The whole machine's CPU time so far, in seconds summed over cores, from /proc/stat: `busy`
 * (user, nice, system, irq, softirq) and `steal` (time the hypervisor ran other guests while
 * this one wanted a core). Null where /proc is unreadable.
 */
export function machineCpu(): { busy: number; steal: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { busy: (f[0] + f[1] + f[2] + f[5] + f[6]) / clockTicks, steal: (f[7] ?? 0) / clockTicks };
  } catch {
    return null;
  }
}

function procCpu(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / clockTicks;
  } catch {
    return null;
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/** Collects a child's stderr (last 4 KiB) for error messages. */
function tail(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (c: Buffer) => {
    text = (text + c.toString('utf8')).slice(-4096);
  });
  return () => text.trim();
}

/** A Node child process that prints one JSON line with its port once it listens. */
async function startNodeChild(
  script: string,
  env: NodeJS.ProcessEnv,
  what: string,
): Promise<{ child: ChildProcess; info: Record<string, unknown> & { port: number } }> {
  const child = spawn(process.execPath, ['--conditions=s2-source', '--import', 'tsx', `${HERE}${script}`], {
    cwd: PACKAGE_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr = tail(child);
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 60 s: ${stderr()}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buf.slice(0, nl));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}): ${stderr()}`));
    });
  });
  return { child, info: JSON.parse(line) as Record<string, unknown> & { port: number } };
}

/** Our server in a child Node process; `pure` sets SINGLESTOREDB_PURE_JS=1 (pure TypeScript codec). */
export async function startS2(pure: boolean): Promise<RunningServer> {
  const env = { ...process.env };
  if (pure) env.SINGLESTOREDB_PURE_JS = '1';
  else delete env.SINGLESTOREDB_PURE_JS;
  const { child, info: raw } = await startNodeChild('s2-server.ts', env, 's2 server');
  const info = raw as { port: number; native: { loaded: boolean; source: string } };
  if (!pure && !info.native.loaded) process.stderr.write(`warning: the native addon did not load in the "native" server: ${info.native.source}\n`);
  return {
    id: pure ? 's2-pure' : 's2-native',
    port: info.port,
    pid: child.pid!,
    note: info.native.loaded ? `native addon loaded (${info.native.source})` : `pure TypeScript codec (${info.native.source})`,
    cpuSeconds: () => procCpu(child.pid!),
    stop: stopper(child),
  };
}

/**
 * The echo floors (echo-server.ts): servers answering each request with its own body, bare
 * node:http (`echo`) or a fastify app shaped like the UDF server (`echo-fastify`).
 */
export async function startEcho(kind: 'node' | 'fastify' = 'node'): Promise<RunningServer> {
  const { child, info } = await startNodeChild('echo-server.ts', { ...process.env, S2_ECHO: kind }, `${kind} echo server`);
  return {
    id: kind === 'fastify' ? 'echo-fastify' : 'echo',
    port: info.port,
    pid: child.pid!,
    note:
      kind === 'fastify'
        ? "fastify app with the UDF server's body parser and a POST /invoke route that answers with the body (no decoding, no function): the floor of any fastify server with this client"
        : 'bare node:http server that answers each request with its body (no decoding, no function): the floor of any HTTP server in Node with this client',
    cpuSeconds: () => procCpu(child.pid!),
    stop: stopper(child),
  };
}

export interface PythonEnv {
  python: string;
  pythonVersion: string;
  singlestoredbVersion: string;
  numpyVersion: string;
  uvicornVersion: string;
  accelerated: boolean;
}

/**
 * The Python SDK's venv (created by @s2/testing's pythonSdk()), plus uvicorn and numpy.
 * Resolves to the reason when any of it cannot be had.
 */
export async function pythonEnv(): Promise<PythonEnv | { unavailable: string }> {
  const sdk = await pythonSdk(['uvicorn', 'numpy']);
  if ('unavailable' in sdk) return sdk;
  const probe =
    'import sys, singlestoredb, numpy, uvicorn\n' +
    'from singlestoredb.functions.ext import rowdat_1\n' +
    'print(sys.version.split()[0], singlestoredb.__version__, numpy.__version__, uvicorn.__version__, rowdat_1.has_accel)';
  const out = (await run(sdk.python, ['-c', probe], { timeout: 60_000 })).stdout;
  const [pythonVersion, singlestoredbVersion, numpyVersion, uvicornVersion, accel] = out.trim().split(/\s+/);
  return { python: sdk.python, pythonVersion, singlestoredbVersion, numpyVersion, uvicornVersion, accelerated: accel === 'True' };
}

/**
 * The Python SDK's own server, as its documentation runs it: `python -m
 * singlestoredb.functions.ext.asgi` (uvicorn, one worker process) serving python/bench_functions.py.
 * Logging at warning and metrics off, so it does not spend time writing per-request log lines.
 */
export async function startPython(env: PythonEnv): Promise<RunningServer> {
  const port = await freePort();
  const dir = `${HERE}python`;
  const child = spawn(
    env.python,
    ['-m', 'singlestoredb.functions.ext.asgi', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warning', '--disable-metrics', 'bench_functions'],
    { cwd: dir, env: { ...process.env, PYTHONPATH: dir, PYTHONUNBUFFERED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stderr = tail(child);
  child.stdout!.resume();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`Python SDK server exited: ${stderr()}`);
    if (Date.now() > deadline) {
      await stopper(child)();
      throw new Error(`Python SDK server did not start in 60 s: ${stderr()}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    id: 'python',
    port,
    pid: child.pid!,
    note: `singlestoredb ${env.singlestoredbVersion} (C accelerator ${env.accelerated ? 'loaded' : 'missing'}), uvicorn ${env.uvicornVersion}, numpy ${env.numpyVersion}`,
    cpuSeconds: () => procCpu(child.pid!),
    stop: stopper(child),
  };
}
