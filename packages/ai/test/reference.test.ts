import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chatFactory, embeddingsFactory, type ChatClient } from '@s2/ai';
import { PYTHON_SDK_VERSION, pythonVenv } from '@s2/testing';
import { skipUnless } from '@s2/testing/vitest';
import type { CapturedAiRequest } from '@s2/fakes/ai';
import { tiktokenCacheDir, useFakeAi } from './support.js';

/**
 * The reference's own factories (LangChain ChatOpenAI / ChatBedrockConverse over boto3,
 * OpenAIEmbeddings / BedrockEmbeddings) and s2 do the same calls against the fake: the results
 * must be equal, and so must what reaches the wire (tokens, headers, model, messages, chunks).
 */
const SPECS = [`singlestoredb==${PYTHON_SDK_VERSION}`, 'langchain-openai==1.8.1', 'langchain-aws==1.9.1'];
const venv = await pythonVenv('s2-python-ai-venv', SPECS, 'import singlestoredb.ai');
const unavailable = 'unavailable' in venv ? venv.unavailable : null;

const fake = useFakeAi({ token: 'tok' });
/** Azure embeddings: both sides chunk by tiktoken tokens (js-tiktoken here, Python tiktoken + LangChain there). */
const AZURE_WINDOW = 20;
const AZURE_LONG = Array.from({ length: 12 }, (_, i) => `Line ${i}: SingleStore stores vectors next to rows.`).join('\n');
const tiktokenCache = unavailable ? '' : await tiktokenCacheDir();

function runReference(input: unknown): Promise<Record<string, unknown>> {
  const script = fileURLToPath(new URL('./python/reference_ai.py', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn((venv as { python: string }).python, [script], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, SINGLESTOREDB_USER_TOKEN: '', TIKTOKEN_CACHE_DIR: tiktokenCache },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err || `python exited with ${code}`))));
    child.stdin.end(JSON.stringify(input));
  });
}

async function text(chat: ChatClient, prompt: string, stream: boolean): Promise<string> {
  if (!stream) return (await chat.chat([{ role: 'user', content: prompt }])).text;
  let s = '';
  for await (const c of chat.stream([{ role: 'user', content: prompt }])) if (c.type === 'text') s += c.text;
  return s;
}

/** The parts of a request both implementations must agree on. */
function essentials(r: CapturedAiRequest) {
  const b = r.body ?? {};
  return {
    route: r.route,
    path: r.path,
    authorization: r.headers.authorization,
    amz: Object.keys(r.headers).filter((h) => h === 'x-amz-date' || h === 'x-amz-security-token'),
    model: b.model,
    messages: r.route === 'chat' ? b.messages?.map((m: { role: string; content: unknown }) => ({ role: m.role, content: m.content })) : b.messages,
    stream: b.stream,
    // LangChain's ChatOpenAI leaves stream_usage off for a custom base URL: no stream_options.
    streamOptions: b.stream_options,
    input: b.input,
    encodingFormat: b.encoding_format,
    inputText: b.inputText,
  };
}

describe(
  `the reference factories (singlestoredb ${PYTHON_SDK_VERSION} + LangChain) and s2 against the same fake`,
  skipUnless(unavailable && `reference AI cross-check: ${unavailable}`, 'missing-tool'),
  () => {
    it('same answers, same vectors, same requests on the wire', async () => {
      const f = fake();
      const cfg = { openai: f.openaiUrl, bedrock: f.bedrockUrl, token: 'tok', obo: 'obo-x', azure_window: AZURE_WINDOW, azure_long: AZURE_LONG };
      const start = f.requests.length;
      const ref = await runReference(cfg);
      const refRequests = f.requests.slice(start);

      const from = f.requests.length;
      const common = { apiKey: 'tok', oboTokenGetter: () => 'obo-x', env: {} };
      const openai = await chatFactory({ modelName: 'gpt-fake', baseUrl: f.openaiUrl, hostingPlatform: 'Azure', ...common });
      const bedrock = await chatFactory({ modelName: 'anthropic.claude-fake:0', baseUrl: f.bedrockUrl, hostingPlatform: 'Amazon', ...common });
      const ours: Record<string, unknown> = {
        openai_chat: await text(openai, 'hello world', false),
        openai_stream: await text(openai, 'stream me please', true),
        bedrock_chat: await text(bedrock, 'hello world', false),
        bedrock_stream: await text(bedrock, 'stream me please', true),
      };
      ours.openai_embed = await (await embeddingsFactory({ modelName: 'qwen-fake', baseUrl: f.openaiUrl, hostingPlatform: 'Nova', ...common })).embedDocuments([
        'alpha',
        'beta',
      ]);
      ours.openai_embed_long = await (
        await embeddingsFactory({ modelName: 'qwen-fake', baseUrl: f.openaiUrl, hostingPlatform: 'Nova', maxChunkChars: 40, ...common })
      ).embedDocuments(['short one', 'abcdefghij'.repeat(9)]);
      ours.azure_embed_long = await (
        await embeddingsFactory({
          modelName: 'text-embedding-3-small',
          baseUrl: f.openaiUrl,
          hostingPlatform: 'Azure',
          maxInputTokens: AZURE_WINDOW,
          ...common,
        })
      ).embedDocuments(['short one', AZURE_LONG]);
      const titan = await embeddingsFactory({ modelName: 'amazon.titan-embed-text-v2:0', baseUrl: f.bedrockUrl, hostingPlatform: 'Amazon', ...common });
      ours.bedrock_embed = await titan.embedDocuments(['one', 'two']);
      ours.bedrock_query = await titan.embedQuery('q');
      const ourRequests = f.requests.slice(from);

      expect(ours.openai_chat).toBe('dlrow olleh');
      expect(Object.keys(ref).sort()).toEqual(Object.keys(ours).sort());
      for (const key of Object.keys(ours)) {
        if (key.includes('embed') || key.includes('query')) {
          const a = (Array.isArray((ours[key] as number[][])[0]) ? ours[key] : [ours[key]]) as number[][];
          const b = (Array.isArray((ref[key] as number[][])[0]) ? ref[key] : [ref[key]]) as number[][];
          expect(
            a.map((v) => v.length),
            key,
          ).toEqual(b.map((v) => v.length));
          a.forEach((v, i) => v.forEach((x, k) => expect(x, `${key}[${i}][${k}]`).toBeCloseTo(b[i]![k]!, 6)));
        } else {
          expect(ours[key], key).toBe(ref[key]);
        }
      }

      expect(ourRequests.map(essentials)).toEqual(refRequests.map(essentials));
      // The Azure request really was chunked by tokens: token-id lists, the long text in several of at most AZURE_WINDOW.
      const azure = ourRequests.filter((r) => r.route === 'embeddings' && Array.isArray(r.body?.input?.[0])).map((r) => r.body.input as number[][]);
      expect(azure).toHaveLength(1);
      expect(azure[0]!.length).toBeGreaterThan(4);
      expect(azure[0]!.every((ids) => ids.length > 0 && ids.length <= AZURE_WINDOW)).toBe(true);
      // The reference sends X-S2-OBO on the Bedrock path only; s2 sends it on both (a documented extension).
      const obo = (rs: CapturedAiRequest[]) => rs.map((r) => `${r.route}:${r.headers['x-s2-obo'] ?? '-'}`);
      expect(obo(refRequests).filter((s) => !s.startsWith('chat') && !s.startsWith('embeddings'))).toEqual(
        obo(ourRequests).filter((s) => !s.startsWith('chat') && !s.startsWith('embeddings')),
      );
      expect(
        obo(refRequests)
          .filter((s) => s.startsWith('chat') || s.startsWith('embeddings'))
          .every((s) => s.endsWith(':-')),
      ).toBe(true);
      expect(
        obo(ourRequests)
          .filter((s) => s.startsWith('chat') || s.startsWith('embeddings'))
          .every((s) => s.endsWith(':obo-x')),
      ).toBe(true);
    }, 120_000);
  },
);
