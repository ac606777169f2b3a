import { inspect } from 'node:util';
import { generateText, embed } from 'ai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatFactory, embeddingsFactory } from '@s2/ai';
import { ChatSingleStore, createChatModel, createEmbeddings, SingleStoreEmbeddings } from '@s2/ai/langchain';
import { createSingleStore } from '@s2/ai/vercel';
import { useFakeAi } from './support.js';

const fake = useFakeAi();
afterEach(() => vi.unstubAllEnvs());

const SECRETS = ['API-KEY-SECRET', 'OBO-SECRET', 'HEADER-SECRET', 'ENV-SECRET', 'PROCESS-ENV-SECRET', 'MGMT-SECRET'];

/** Every way a client is commonly printed or serialized. */
function shown(value: unknown): string[] {
  const json = (() => {
    try {
      return JSON.stringify(value) ?? '';
    } catch (err) {
      return String(err);
    }
  })();
  return [inspect(value), inspect(value, { depth: Infinity }), inspect(value, { showHidden: true, depth: Infinity }), json];
}

function expectNoSecrets(label: string, value: unknown): void {
  for (const text of shown(value)) for (const secret of SECRETS) expect(text, `${label} shows ${secret}`).not.toContain(secret);
}

describe.each(['Azure', 'Amazon'] as const)('clients on the %s path never print their tokens or the environment', (platform) => {
  const url = () => (platform === 'Amazon' ? fake().bedrockUrl : fake().openaiUrl);
  const withSecrets = () => ({
    modelName: 'm',
    baseUrl: url(),
    hostingPlatform: platform,
    apiKey: 'API-KEY-SECRET',
    oboTokenGetter: () => 'OBO-SECRET',
    headers: { 'x-extra': 'HEADER-SECRET' },
    env: { SINGLESTOREDB_USER_TOKEN: 'ENV-SECRET' },
    management: { token: 'MGMT-SECRET' },
    tokenizer: 'characters' as const,
  });

  it('built-in chat and embeddings clients, with every option and with the defaults (process.env)', async () => {
    vi.stubEnv('SINGLESTOREDB_USER_TOKEN', 'PROCESS-ENV-SECRET');
    expectNoSecrets('chat', await chatFactory(withSecrets()));
    expectNoSecrets('embeddings', await embeddingsFactory(withSecrets()));
    const defaults = { modelName: 'm', baseUrl: url(), hostingPlatform: platform };
    expectNoSecrets('chat (defaults)', await chatFactory(defaults));
    expectNoSecrets('embeddings (defaults)', await embeddingsFactory(defaults));
  });

  it('the LangChain adapters, built from options (lazily) or by the factories, before and after a call', async () => {
    const lazyChat = new ChatSingleStore(withSecrets());
    const lazyEmbeddings = new SingleStoreEmbeddings(withSecrets());
    expectNoSecrets('ChatSingleStore (lazy)', lazyChat);
    expectNoSecrets('SingleStoreEmbeddings (lazy)', lazyEmbeddings);
    await lazyChat.invoke('hi');
    await lazyEmbeddings.embedQuery('x');
    expectNoSecrets('ChatSingleStore (after a call)', lazyChat);
    expectNoSecrets('SingleStoreEmbeddings (after a call)', lazyEmbeddings);
    expectNoSecrets('createChatModel', await createChatModel(withSecrets()));
    expectNoSecrets('createEmbeddings', await createEmbeddings(withSecrets()));
  });

  it('the Vercel provider and its models, before and after a call', async () => {
    const { modelName: _, ...settings } = withSecrets();
    const provider = createSingleStore(settings);
    const chat = provider('m');
    const embedding = provider.embeddingModel('m');
    expectNoSecrets('provider', provider);
    await generateText({ model: chat, prompt: 'hi' });
    await embed({ model: embedding, value: 'x' });
    expectNoSecrets('language model', chat);
    expectNoSecrets('embedding model', embedding);
  });
});
