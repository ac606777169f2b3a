import { describe, expect, it } from 'vitest';
import { chatFactory, embeddingsFactory } from '@s2/ai';
import { skipUnless } from '@s2/testing/vitest';

/**
 * Against SingleStore's real inference service, when the environment names a deployed model
 * (plus the usual SINGLESTOREDB_USER_TOKEN, and SINGLESTOREDB_PROJECT + a management token or
 * SINGLESTOREDB_INFERENCE_API_BASE_URL/HOSTING_PLATFORM for the endpoint).
 */
const chatModel = process.env.SINGLESTOREDB_CHAT_LIVE_MODEL;
const embeddingsModel = process.env.SINGLESTOREDB_EMBEDDINGS_LIVE_MODEL;

describe('live inference service', () => {
  it(`chat and stream with ${chatModel ?? '(SINGLESTOREDB_CHAT_LIVE_MODEL not set)'}`, {
    ...skipUnless(chatModel ? null : 'live chat test: set SINGLESTOREDB_CHAT_LIVE_MODEL to a deployed chat model', 'opt-in'),
    timeout: 120_000,
  }, async () => {
    const chat = await chatFactory({ modelName: chatModel! });
    const r = await chat.chat([{ role: 'user', content: 'Reply with the single word: pong' }], { maxTokens: 20 });
    expect(r.text.toLowerCase()).toContain('pong');
    let streamed = '';
    for await (const c of chat.stream([{ role: 'user', content: 'Reply with the single word: pong' }], { maxTokens: 20 }))
      if (c.type === 'text') streamed += c.text;
    expect(streamed.toLowerCase()).toContain('pong');
  });

  it(`embeddings with ${embeddingsModel ?? '(SINGLESTOREDB_EMBEDDINGS_LIVE_MODEL not set)'}: similar closer than unrelated, long input chunked`, {
    ...skipUnless(embeddingsModel ? null : 'live embeddings test: set SINGLESTOREDB_EMBEDDINGS_LIVE_MODEL to a deployed embedding model', 'opt-in'),
    timeout: 120_000,
  }, async () => {
    const e = await embeddingsFactory({ modelName: embeddingsModel! });
    const [a, b, c, long] = await e.embedDocuments([
      'How tall is Mount Everest?',
      'Mount Everest is 8,849 metres high.',
      'Bake the bread for forty minutes.',
      'Mountains. '.repeat(5_000),
    ]);
    const cos = (x: number[], y: number[]) =>
      x.reduce((s, v, i) => s + v * y[i]!, 0) / Math.sqrt(x.reduce((s, v) => s + v * v, 0) * y.reduce((s, v) => s + v * v, 0));
    expect(cos(a!, b!)).toBeGreaterThan(cos(a!, c!));
    expect(long).toHaveLength(a!.length);
  });
});
