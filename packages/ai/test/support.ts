import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { startFakeAi, type FakeAi, type FakeAiOptions } from '@s2/fakes/ai';

/** A fake inference server for the file's tests, closed afterwards. */
export function useFakeAi(options: FakeAiOptions = {}): () => FakeAi {
  let fake: FakeAi | undefined;
  beforeAll(async () => {
    fake = await startFakeAi(options);
  });
  afterAll(async () => {
    await fake?.close();
  });
  return () => fake!;
}

/** The requests a test made, from `from` on (index into `fake.requests`). */
export function since(fake: FakeAi, from: number) {
  return fake.requests.slice(from);
}

export interface LookupServer {
  url: string;
  calls: Array<{ path: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

/**
 * Serves `GET /v1/inferenceapis/{project}/{model}` from `records` (keyed by model name), the one
 * management route the factories call.
 */
export async function startLookupServer(records: Record<string, Record<string, string>>): Promise<LookupServer> {
  const calls: LookupServer['calls'] = [];
  const server = createServer((req, res) => {
    const m = /^\/v1\/inferenceapis\/([^/]+)\/([^/?]+)$/.exec(req.url ?? '');
    calls.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const [project, model] = m ? [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)] : ['', ''];
    const rec = records[model];
    const ok = req.method === 'GET' && rec !== undefined && rec.projectID === project;
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? rec : { message: `no model ${model} in project ${project}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { url, calls, close };
}
