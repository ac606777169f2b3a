import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DockerOptions } from '@s2/server';
import { skipUnless } from '@s2/testing/vitest';
import { runServerCommand, type RunningServer } from '../src/server-start.js';
import { sink } from './fixtures/text-sink.js';

function standIn(): RunningServer & { stops: number } {
  return {
    stops: 0,
    connectionUrl: 'singlestoredb://root:pw@localhost:3306',
    httpConnectionUrl: null,
    studioUrl: null,
    async stop() {
      this.stops++;
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('s2 server start, with a stand-in for the engine', () => {
  it('hands the stop signal to the starter and stops the server once it is aborted', async () => {
    const stop = new AbortController();
    const server = standIn();
    let given: DockerOptions | undefined;
    const stdout = sink();
    const exit = runServerCommand(['start', '--data-dir', 'rel/data'], {
      stdout,
      stderr: sink(),
      stop: stop.signal,
      start: async (options) => {
        given = options;
        return server;
      },
    });
    await tick();
    expect(given?.signal).toBe(stop.signal);
    expect(stdout.text).toContain('Ctrl-C stops and removes it.');
    expect(server.stops).toBe(0);
    stop.abort('SIGINT');
    expect(await exit).toBe(0);
    expect(server.stops).toBe(1);
    expect(stdout.text).toMatch(/stopping …\nstopped\n$/);
  });

  it('stops what a starter that ignores the signal hands back after an interrupt, and exits 130', async () => {
    const stop = new AbortController();
    const server = standIn();
    let finish!: () => void;
    const stdout = sink();
    const exit = runServerCommand(['start'], {
      stdout,
      stderr: sink(),
      stop: stop.signal,
      start: () => new Promise((resolve) => (finish = () => resolve(server))),
    });
    await tick();
    stop.abort('SIGINT');
    await tick();
    finish();
    expect(await exit).toBe(130);
    expect(server.stops).toBe(1);
    expect(stdout.text).not.toContain('server ready');
    expect(stdout.text).toContain('interrupted; the container was stopped and removed');
  });

  it('exits 130 when the starter gives up on the signal, and passes on failures of its own', async () => {
    const stop = new AbortController();
    const stdout = sink();
    const exit = runServerCommand(['start'], {
      stdout,
      stderr: sink(),
      stop: stop.signal,
      start: (options) => new Promise((_resolve, reject) => options.signal!.addEventListener('abort', () => reject(new Error('interrupted')))),
    });
    await tick();
    stop.abort('SIGTERM');
    expect(await exit).toBe(130);
    expect(stdout.text).toContain('interrupted; nothing is left running');
    const failing = runServerCommand(['start'], {
      stdout: sink(),
      stderr: sink(),
      stop: new AbortController().signal,
      start: () => Promise.reject(new Error('no engine')),
    });
    await expect(failing).rejects.toThrow('no engine');
  });
});

const fixture = fileURLToPath(new URL('./fixtures/server-main.ts', import.meta.url));

function spawnTracked(command: string, args: string[]) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: process.env }) as ChildProcessWithoutNullStreams;
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  async function waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(out)) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited before printing ${pattern}: ${out}${err}`);
      if (Date.now() > deadline) throw new Error(`never printed ${pattern}: ${out}${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { child, exited, waitFor, output: () => out, errors: () => err };
}

const runFixture = (mode: string) => spawnTracked(process.execPath, ['--conditions=s2-source', '--import', 'tsx', fixture, mode]);

describe('s2 server start as a process (signals and keep-alive)', () => {
  it('stays up after the start until SIGINT, then stops the server and exits 0', { timeout: 30_000 }, async () => {
    const run = runFixture('ready');
    await run.waitFor(/Ctrl-C stops and removes it\./);
    // Nothing but the signal watch is pending now: without a handle of its own the process would be gone.
    await new Promise((r) => setTimeout(r, 1000));
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/stand-in starting \(signal passed\)\n[\s\S]*stand-in stopped\nstopped\n$/);
  });

  it('a SIGINT while starting stops what was started and exits 130', { timeout: 30_000 }, async () => {
    const run = runFixture('ignores-signal');
    await run.waitFor(/stand-in starting/);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.output()).toContain('stand-in stopped\ninterrupted; the container was stopped and removed\n');
  });

  it('a SIGTERM while a starter waits on the signal ends the start and exits 130', { timeout: 30_000 }, async () => {
    const run = runFixture('honours-signal');
    await run.waitFor(/stand-in starting/);
    await new Promise((r) => setTimeout(r, 500));
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(130);
    expect(run.output()).toContain('interrupted; nothing is left running');
  });
});

// Needs a Docker-compatible engine and the stand-in image: see packages/server/README.md.
const enabled = process.env.S2_CONTAINER_TESTS === '1';
const image = process.env.S2_MARIADB_IMAGE ?? 'localhost/s2-mariadb:bookworm';
const cli = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const notEnabled = enabled ? null : 's2 server start container tests: set S2_CONTAINER_TESTS=1 after `eval "$(bash tooling/podman/engine.sh)"` to run them';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Containers (running or not) publishing this host port; other tests may run the same image. */
function containersOn(port: number): string[] {
  const ids = execFileSync('docker', ['ps', '-aq'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  return execFileSync('docker', ['inspect', '--format', '{{.Id}} {{json .HostConfig.PortBindings}}', ...ids], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(`"HostPort":"${port}"`))
    .map((l) => l.split(' ')[0]!);
}

/** After a failed assertion: nothing of the test may be left running. */
async function cleanUp(run: ReturnType<typeof spawnTracked>, port: number): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) {
    run.child.kill('SIGINT');
    await Promise.race([run.exited, new Promise((r) => setTimeout(r, 10_000))]);
    run.child.kill('SIGKILL');
  }
  const left = containersOn(port);
  if (left.length) execFileSync('docker', ['rm', '-f', ...left]);
}

/** `s2 server start` of the stand-in image on `port`, as a child process. */
function startServerCli(port: number, readiness: 'sql' | 'health-check') {
  const args = ['server', 'start', '--image', image, '--readiness', readiness, '--no-studio', '--no-data-api', '--port', String(port)];
  return spawnTracked(process.execPath, ['--conditions=s2-source', '--import', 'tsx', cli, ...args]);
}

describe('s2 server start on a local engine (S2_CONTAINER_TESTS=1)', skipUnless(notEnabled, 'opt-in'), () => {
  it('keeps the container until SIGINT, then removes it', { timeout: 180_000 }, async () => {
    const port = await freePort();
    const run = startServerCli(port, 'sql');
    try {
      await run.waitFor(/Ctrl-C stops and removes it\./, 150_000);
      await new Promise((r) => setTimeout(r, 2000));
      expect(run.child.exitCode).toBeNull();
      expect(containersOn(port)).toHaveLength(1);
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(0);
      expect(containersOn(port)).toEqual([]);
    } finally {
      await cleanUp(run, port);
    }
  });

  it('a SIGINT while the container comes up removes it and exits 130', { timeout: 180_000 }, async () => {
    const port = await freePort();
    // The stand-in image has no health check, so this start never completes by itself.
    const run = startServerCli(port, 'health-check');
    try {
      const deadline = Date.now() + 60_000;
      while (containersOn(port).length === 0) {
        if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`no container appeared: ${run.output()}${run.errors()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
      expect(run.output()).toContain('interrupted; nothing is left running');
      expect(containersOn(port)).toEqual([]);
    } finally {
      await cleanUp(run, port);
    }
  });
});
