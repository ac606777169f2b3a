import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { options } from '@s2/base';
import { loadNative, nativeStatus } from '@s2/native';
import { skipUnless } from '@s2/testing/vitest';

const run = promisify(execFile);
/** The Python stand-in for the database (udf spec 9.2). */
export const CLIENT = fileURLToPath(new URL('../python/collocated_client.py', import.meta.url));

const native = loadNative();
const python = await run('python3', ['-c', 'import socket; socket.send_fds']).then(
  () => null,
  (err: Error) => err.message.split('\n')[0],
);
// The addon and python3 (3.9+, for socket.send_fds) are both things CI installs.
const reason = !native
  ? `collocated server: no native addon (${nativeStatus().source})`
  : python
    ? `collocated server: python3 with socket.send_fds is not available (${python})`
    : null;
/** describe() options of the collocated tests: they need the addon and python3. */
export const collocatedGate: ReturnType<typeof skipUnless> = skipUnless(reason, !native && options.get('pure_js') === true ? 'opt-in' : 'missing-tool');

/** A request as the database may send it: a length of its own, over an input file of a size of its own. */
export interface Announced {
  body?: Uint8Array;
  length: number;
  fileSize?: number;
}

export interface Response {
  status: number;
  hex?: string;
  message?: string;
  file_size?: number;
}

/** Runs the Python stand-in for the database against the socket. */
export async function database(path: string, name: string, requests: (Uint8Array | Announced)[], extra: Record<string, unknown> = {}): Promise<Response[]> {
  const spec = requests.map((r) =>
    r instanceof Uint8Array ? Buffer.from(r).toString('hex') : { hex: Buffer.from(r.body ?? []).toString('hex'), length: r.length, file_size: r.fileSize },
  );
  const child = execFile('python3', [CLIENT, path, name], { timeout: 20_000 });
  const out = new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d) => (text += d));
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`client exited ${code}`))));
  });
  child.stdin!.end(JSON.stringify({ requests: spec, ...extra }));
  return (JSON.parse(await out) as { responses: Response[] }).responses;
}
