import { describe, expect, it } from 'vitest';
import { chatFactory, embeddingsFactory } from '@s2/ai';

/**
 * Against SingleStore's real inference service, when the environment names a deployed model
 * (plus the usual SINGLESTOREDB_USER_TOKEN, and SINGLESTOREDB_PROJECT + a management token or
 * SINGLESTOREDB_INFERENCE_API_BASE_URL/HOSTING_PLATFORM for the endpoint).
 */
const chatModel = process.env.SINGLESTOREDB_CHAT_LIVE_MODEL;
const embeddingsModel = process.env.SINGLESTOREDB_EMBEDDINGS_LIVE_MODEL;
if (!chatModel) console.warn('live chat test skipped: set SINGLESTOREDB_CHAT_LIVE_MODEL to a deployed chat model');
if (!embeddingsModel) console.warn('live embeddings test skipped: set SINGLESTOREDB_EMBEDDINGS_LIVE_MODEL to a deployed embedding model');

describe('live inference service', () => {
  it.skipIf(!chatModel)(`chat and stream with ${chatModel ?? '(SINGLESTOREDB_CHAT_LIVE_MODEL not set)'}`, async () => {
    const chat = await chatFactory({ modelName: chatModel! });
    const r = await chat.chat([{ role: 'user', content: 'Reply with the single word: pong' }], { maxTokens: 20 });
    expect(r.text.toLowerCase()).toContain('pong');
    let streamed = '';
    for await (const c of chat.stream([{ role: 'user', content: 'Reply with the single word: pong' }], { maxTokens: 20 })) if (c.type === 'text') streamed += c.text;
    expect(streamed.toLowerCase()).toContain('pong');
  }, 120_000);

  it.skipIf(!embeddingsModel)(`embeddings with ${embeddingsModel ?? '(SINGLESTOREDB_EMBEDDINGS_LIVE_MODEL not set)'}: similar closer than unrelated, long input chunked`, async () => {
    const e = await embeddingsFactory({ modelName: embeddingsModel! });
    const [a, b, c, long] = await e.embedDocuments(['How tall is Mount Everest?', 'Mount Everest is 8,849 metres high.', 'Bake the bread for forty minutes.', 'Mountains. '.repeat(5_000)]);
    const cos = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i]!, 0) / Math.sqrt(x.reduce((s, v) => s + v * v, 0) * y.reduce((s, v) => s + v * v, 0));
    expect(cos(a!, b!)).toBeGreaterThan(cos(a!, c!));
    expect(long).toHaveLength(a!.length);
  }, 120_000);
});
