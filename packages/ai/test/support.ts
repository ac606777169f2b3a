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

/**
 * A `fetch` whose every answer is a 200 streaming exactly these pieces, after which the body
 * ends cleanly: what a server that stops writing and closes the response looks like to a client.
 */
export function fetchStreaming(pieces: ReadonlyArray<string | Uint8Array>, contentType = 'text/event-stream'): typeof fetch {
  return (async () =>
    new Response(
      new ReadableStream({
        start(c) {
          for (const p of pieces) c.enqueue(typeof p === 'string' ? new TextEncoder().encode(p) : p);
          c.close();
        },
      }),
      { headers: { 'content-type': contentType } },
    )) as typeof fetch;
}

/** `data:` events of an OpenAI-style stream, objects as JSON (`'[DONE]'` as it is). */
export function sseEvents(...events: unknown[]): string {
  return events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');
}

/** A chat.completion.chunk with one text delta (and a finish_reason when given). */
export function textDelta(content: string, finishReason: string | null = null) {
  return { object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finishReason }] };
}

/** The requests a test made, from `from` on (index into `fake.requests`). */
export function since(fake: FakeAi, from: number) {
  return fake.requests.slice(from);
}

/**
 * A TIKTOKEN_CACHE_DIR for Python's tiktoken, offline: the `cl100k_base.tiktoken` file rebuilt
 * from js-tiktoken's copy of the same ranks (one `base64-token rank` line per token, in rank
 * order), under the name tiktoken caches the download by (SHA-1 of its URL). tiktoken checks the
 * file against its pinned SHA-256, so a wrong rebuild fails loudly instead of tokenizing wrongly.
 */
export async function tiktokenCacheDir(): Promise<string> {
  const { createHash } = await import('node:crypto');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const ranks = (await import('js-tiktoken/ranks/cl100k_base')).default as { bpe_ranks: string };
  const entries: [number, string][] = [];
  for (const line of ranks.bpe_ranks.split('\n')) {
    if (!line) continue;
    const [, offset, ...tokens] = line.split(' ');
    tokens.forEach((token, i) => entries.push([Number(offset) + i, token]));
  }
  entries.sort((a, b) => a[0] - b[0]);
  const dir = join(tmpdir(), 's2-tiktoken-cache');
  mkdirSync(dir, { recursive: true });
  const url = 'https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken';
  writeFileSync(join(dir, createHash('sha1').update(url).digest('hex')), `${entries.map(([rank, token]) => `${token} ${rank}`).join('\n')}\n`);
  return dir;
}
