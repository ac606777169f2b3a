import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UdfCallError, type UdfFormat } from './invoke.js';

export interface UdfWorkerOptions {
  /** The module exporting the udf(...) definitions (path or file URL); every worker imports it. */
  module: string | URL;
  /** Worker threads (default: the machine's available parallelism). */
  count?: number;
  /** Node options of the workers (default: the process's own). */
  execArgv?: string[];
  /**
   * URL of a module whose `register()` each worker calls before anything else, to load
   * TypeScript: by default tsx's ESM API when the functions module (or this pool) is TypeScript.
   */
  loader?: string;
}

/** One batch as posted to a worker thread. */
export interface JobMessage {
  id: number;
  name: string;
  body: Uint8Array;
  input: UdfFormat;
  output: UdfFormat;
}

interface Job extends JobMessage {
  signal: AbortSignal;
  resolve: (r: { body: Uint8Array | string; rows: number }) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  ready: Promise<void>;
  /** The module is loaded and the worker takes jobs. */
  loaded: boolean;
  /** The pool's exit listener (taken off before the pool itself ends the thread). */
  onExit: () => void;
}

/** URL of tsx's ESM API (its `import` export), found from this file or the working directory. */
function tsxEsmApi(): string {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  } catch {
    try {
      manifest = createRequire(join(process.cwd(), 'noop.js')).resolve('tsx/package.json');
    } catch {
      throw new Error('TypeScript functions on worker threads need tsx installed (or pass workers.loader)');
    }
  }
  const exported = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api'].import
    .default;
  return pathToFileURL(join(dirname(manifest), exported)).href;
}

type Reply = { id: number; ok: true; body: Uint8Array | string; rows: number } | { id: number; ok: false; status: number; message: string };

/**
 * Runs function calls on worker threads. A call that passes its deadline (or whose client goes
 * away) has its thread terminated — the only way to stop a synchronous loop — and a fresh
 * thread takes its place; the main thread, and so `/status` and every other request, stays
 * responsive throughout.
 */
export class UdfWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;
  /** Loads failed in a row since the last good one: the respawn delay doubles with each. */
  private loadFailures = 0;
  private readonly respawns = new Set<NodeJS.Timeout>();
  private readonly moduleUrl: string;
  private readonly workerUrl: URL;
  private readonly execArgv: string[];
  /** URL of the loader module workers register first, or null for plain JavaScript. */
  private readonly loader: string | null;

  constructor(options: UdfWorkerOptions) {
    const m = options.module;
    this.moduleUrl = m instanceof URL ? m.href : /^[a-z]+:\/\//i.test(m) ? m : pathToFileURL(m).href;
    // From TypeScript sources (tests, `--conditions=s2-source`) the worker entry is TypeScript too.
    const fromSources = import.meta.url.endsWith('.ts');
    this.workerUrl = new URL(fromSources ? './pool-worker.ts' : './pool-worker.js', import.meta.url);
    this.loader = options.loader ?? (fromSources || /\.[cm]?tsx?$/.test(this.moduleUrl) ? tsxEsmApi() : null);
    this.execArgv =
      options.execArgv ??
      (fromSources && !process.execArgv.includes('--conditions=s2-source') ? [...process.execArgv, '--conditions=s2-source'] : process.execArgv);
    const count = Math.max(1, options.count ?? availableParallelism());
    for (let i = 0; i < count; i++) this.slots.push(this.spawn());
  }

  /** Resolves once every worker has imported the module; rejects with the import's failure. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  private spawn(): Slot {
    const workerData = { moduleUrl: this.moduleUrl };
    // A worker's entry is loaded before `--import` hooks apply, so from TypeScript sources a small
    // script registers tsx first and then imports the real entry.
    const worker = this.loader
      ? new Worker(`import(${JSON.stringify(this.loader)}).then((loader) => { loader.register(); return import(${JSON.stringify(this.workerUrl.href)}); });`, {
          eval: true,
          workerData,
          execArgv: this.execArgv,
        })
      : new Worker(this.workerUrl, { workerData, execArgv: this.execArgv });
    worker.unref();
    const slot: Slot = { worker, job: null, ready: Promise.resolve(), loaded: false, onExit: () => this.lost(slot, new Error('the UDF worker thread exited')) };
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.once('message', (m: { ready: boolean; message?: string }) => {
        if (!m.ready) return reject(new Error(`UDF worker could not load ${this.moduleUrl}: ${m.message}`));
        worker.on('message', (reply: Reply) => this.settle(slot, reply));
        slot.loaded = true;
        this.loadFailures = 0;
        resolve();
        this.pump();
      });
      worker.once('error', reject);
    });
    slot.ready.catch(() => {});
    worker.on('error', (err) => this.lost(slot, err));
    worker.on('exit', slot.onExit);
    return slot;
  }

  /** Runs one batch; rejects with `signal.reason` when the signal aborts first. */
  run(name: string, body: Uint8Array, input: UdfFormat, output: UdfFormat, signal: AbortSignal): Promise<{ body: Uint8Array | string; rows: number }> {
    if (this.closed) return Promise.reject(new UdfCallError(503, 'the UDF worker pool is closed'));
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, name, body, input, output, signal, resolve, reject };
      signal.addEventListener('abort', () => this.abandon(job), { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.job || !slot.loaded) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      // A copy: the request body may be a view into a pooled buffer the worker must not own.
      const body = new Uint8Array(job.body);
      slot.worker.postMessage({ id: job.id, name: job.name, body, input: job.input, output: job.output }, [body.buffer]);
    }
  }

  private settle(slot: Slot, reply: Reply): void {
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    slot.job = null;
    if (reply.ok) job.resolve({ body: reply.body, rows: reply.rows });
    else job.reject(new UdfCallError(reply.status, reply.message));
    this.pump();
  }

  /** The job's deadline passed or its client left: drop it from the queue, or stop its thread. */
  private abandon(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.reject(job.signal.reason);
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    if (!slot) return;
    slot.job = null;
    job.reject(job.signal.reason);
    this.replace(slot);
  }

  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    slot.worker.off('exit', slot.onExit);
    void slot.worker.terminate();
    if (this.closed) return;
    if (slot.loaded) {
      this.slots.push(this.spawn());
      this.pump();
      return;
    }
    // The module did not load in this thread: a new thread right away would fail the same way,
    // over and over. Wait (250 ms, doubling up to 30 s) so a broken module costs no busy loop;
    // queued calls wait meanwhile and meet their own deadlines.
    const delay = Math.min(30_000, 250 * 2 ** this.loadFailures++);
    const timer = setTimeout(() => {
      this.respawns.delete(timer);
      if (this.closed) return;
      this.slots.push(this.spawn());
    }, delay);
    timer.unref();
    this.respawns.add(timer);
  }

  /** A worker died under a job (out of memory, process.exit in the function…): 500, new worker. */
  private lost(slot: Slot, err: Error): void {
    if (!this.slots.includes(slot)) return;
    const job = slot.job;
    slot.job = null;
    job?.reject(new UdfCallError(500, `${err.name}: ${err.message}`));
    this.replace(slot);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.respawns) clearTimeout(timer);
    this.respawns.clear();
    for (const job of this.queue.splice(0)) job.reject(new UdfCallError(503, 'the UDF worker pool is closed'));
    await Promise.all(
      this.slots.splice(0).map((s) => {
        s.worker.off('exit', s.onExit);
        s.job?.reject(new UdfCallError(503, 'the UDF worker pool is closed'));
        return s.worker.terminate();
      }),
    );
  }
}
