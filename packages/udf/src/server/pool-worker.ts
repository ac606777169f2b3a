/**
 * A worker thread of the UDF worker pool: imports the functions module once, then runs one
 * `/invoke` batch per message with the same invoke() as the in-process server.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { definitionsIn } from '../definition/discover.js';
import { invoke, UdfCallError } from './invoke.js';
import type { JobMessage as Job } from './worker-pool.js';

const port = parentPort!;
const { moduleUrl } = workerData as { moduleUrl: string };

async function serve(): Promise<void> {
  const definitions = new Map(definitionsIn((await import(moduleUrl)) as Record<string, unknown>).map((d) => [d.name, d]));
  port.on('message', async (job: Job) => {
    const def = definitions.get(job.name);
    // The pool terminates this thread when a call passes its deadline, so the signal never fires here.
    const signal = new AbortController().signal;
    try {
      if (!def) throw new UdfCallError(404, `no function ${job.name} in ${moduleUrl}`);
      const result = await invoke(def, job.body, job.input, job.output, signal);
      const body = result.body;
      port.postMessage({ id: job.id, ok: true, body, rows: result.rows }, typeof body === 'string' ? [] : [body.buffer as ArrayBuffer]);
    } catch (err) {
      const status = err instanceof UdfCallError ? err.status : 500;
      const message = err instanceof UdfCallError ? err.message : `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`;
      port.postMessage({ id: job.id, ok: false, status, message });
    }
  });
  port.postMessage({ ready: true, names: [...definitions.keys()] });
}

serve().catch((err: unknown) => {
  port.postMessage({ ready: false, message: `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}` });
});
