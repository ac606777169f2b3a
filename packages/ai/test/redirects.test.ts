import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateText, embed } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatFactory, embeddingsFactory, InferenceError } from '@s2/ai';
import { createChatModel, createEmbeddings } from '@s2/ai/langchain';
import { createSingleStore } from '@s2/ai/vercel';
import { since, useFakeAi } from './support.js';

// The fake stands for another host: a client that follows the redirect gets a valid answer
// from it, so only a refused redirect makes these tests pass.
const fake = useFakeAi();
const LOCATION_QUERY = 'sig=LOCATION-QUERY-SECRET';
let origin: Server;
let originUrl: string;
let originRequests = 0;
let status = 302;
let target: () => string;

beforeAll(async () => {
  origin = createServer((req, res) => {
    originRequests++;
    req.resume();
    res.writeHead(status, { location: `${target()}${req.url!.replace(/^\/(openai\/v1|bedrock)/, '')}?${LOCATION_QUERY}` });
    res.end();
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => origin.close(() => r())));

const secrets = { apiKey: 'API-KEY', oboTokenGetter: () => 'OBO-TOKEN', headers: { 'x-custom': 'CUSTOM' }, env: {} };

async function refused(call: () => Promise<unknown>): Promise<InferenceError> {
  const from = fake().requests.length;
  const before = originRequests;
  const err = await call().then(
    () => new Error('the call succeeded'),
    (e: unknown) => e,
  );
  expect(since(fake(), from)).toEqual([]);
  // One request: a redirect is not a failure worth retrying (maxRetries is 2 by default).
  expect(originRequests - before).toBe(1);
  return err as InferenceError;
}

function expectRedirectError(err: InferenceError, code: number): void {
  expect(err).toBeInstanceOf(InferenceError);
  expect(err.status).toBe(code);
  expect(err.message).toContain(String(code));
  expect(err.message).toContain(`Location host ${new URL(fake().url).host}`);
  expect(err.message).not.toContain(LOCATION_QUERY);
}

describe.each(['Azure', 'Amazon'] as const)('redirects on the %s path are refused, never followed', (platform) => {
  beforeAll(() => {
    target = () => (platform === 'Amazon' ? fake().bedrockUrl : fake().openaiUrl);
  });
  const base = () => `${originUrl}${platform === 'Amazon' ? '/bedrock' : '/openai/v1'}`;
  const opts = () => ({ modelName: 'm', baseUrl: base(), hostingPlatform: platform, ...secrets, tokenizer: 'characters' as const });

  for (const code of [301, 302, 303, 307, 308]) {
    it(`${code}: chat, chat stream and embeddings fail with an InferenceError naming the status and host`, async () => {
      status = code;
      const chat = await chatFactory(opts());
      expectRedirectError(await refused(() => chat.chat([{ role: 'user', content: 'hi' }])), code);
      expectRedirectError(
        await refused(async () => {
          for await (const _ of chat.stream([{ role: 'user', content: 'hi' }]));
        }),
        code,
      );
      const embeddings = await embeddingsFactory(opts());
      expectRedirectError(await refused(() => embeddings.embedDocuments(['x'])), code);
    });
  }

  it('the LangChain and Vercel adapters go through the same transport', async () => {
    status = 307;
    const lcChat = await createChatModel(opts());
    expectRedirectError(await refused(() => lcChat.invoke('hi')), 307);
    const lcEmbeddings = await createEmbeddings(opts());
    expectRedirectError(await refused(() => lcEmbeddings.embedQuery('x')), 307);
    const provider = createSingleStore({ ...secrets, baseUrl: base(), hostingPlatform: platform, tokenizer: 'characters' });
    expectRedirectError(await refused(() => generateText({ model: provider('m'), prompt: 'hi', maxRetries: 0 })), 307);
    expectRedirectError(await refused(() => embed({ model: provider.embeddingModel('m'), value: 'x', maxRetries: 0 })), 307);
  });
});
