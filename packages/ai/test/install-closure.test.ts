/**
 * @s2/ai installed the way users install it: packed tarballs of it, @s2/management and
 * @s2/base, plain npm, a fresh app outside the workspace. Nothing else may come along (no
 * LangChain, AI SDK, provider SDK, fastify, database driver or native addon), the build is
 * runtime-neutral, and the ESM and CJS builds both chat and embed against a small local server.
 */
import { describe, expect, it } from 'vitest';
import { nodeImports, packInstallUnavailable, useInstalledApp } from '../../vectorstore/test/support/pack-install.js';
import { skipUnless } from '@s2/testing/vitest';

const program = (kind: 'esm' | 'cjs') => `${
  kind === 'esm'
    ? "import http from 'node:http'; import { chatFactory, embeddingsFactory, InferenceError } from '@s2/ai';"
    : "const http = require('node:http'); const { chatFactory, embeddingsFactory, InferenceError } = require('@s2/ai');"
}
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const r = JSON.parse(body);
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/chat/completions') {
      res.end(JSON.stringify({ id: 'c1', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: req.headers.authorization + ' ' + r.messages[0].content } }], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }));
    } else if (req.url === '/v1/embeddings') {
      res.end(JSON.stringify({ data: r.input.map((t, index) => ({ index, embedding: [t.length, 1] })) }));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { message: 'no route ' + req.url } }));
    }
  });
});
server.listen(0, '127.0.0.1', async () => {
  const baseUrl = 'http://127.0.0.1:' + server.address().port + '/v1';
  const opts = { modelName: 'm', baseUrl, hostingPlatform: 'Nova', apiKey: 'tok', env: {}, maxRetries: 0 };
  const chat = await chatFactory(opts);
  const reply = await chat.chat([{ role: 'user', content: 'hi' }]);
  const emb = await embeddingsFactory({ ...opts, encodingFormat: 'float' });
  const vectors = await emb.embedDocuments(['abc', 'de']);
  // Azure would chunk by tiktoken tokens, but js-tiktoken (an optional peer) is not installed here.
  const azure = await embeddingsFactory({ ...opts, hostingPlatform: 'Azure', encodingFormat: 'float' });
  const azureChunking = azure.chunking;
  const azureVectors = await azure.embedDocuments(['abcd']);
  let missing = '';
  try { await (await chatFactory({ ...opts, baseUrl: baseUrl + '/nowhere' })).chat([{ role: 'user', content: 'x' }]); } catch (e) { missing = e instanceof InferenceError ? String(e.status) : 'other: ' + e; }
  server.close();
  process.stdout.write(JSON.stringify({ text: reply.text, usage: reply.usage, vectors, missing, azureChunking, azureVectors }));
});
`;

const noInstall = packInstallUnavailable();

describe('@s2/ai installed alone with npm', skipUnless(noInstall && `@s2/ai install-closure check: ${noInstall}`, 'missing-tool'), () => {
  const app = useInstalledApp(['base', 'management', 'ai'], ['ai']);

  it('pulls in @s2/management and @s2/base only: no LangChain, AI SDK, provider SDK, fastify or native addon', () => {
    expect(app().packages).toEqual(['@s2/ai@0.1.0', '@s2/base@0.1.0', '@s2/management@0.1.0']);
    expect(app().addons).toEqual([]);
  });

  it('its build imports no Node built-ins (root entry and adapters are runtime-neutral)', () => {
    expect(nodeImports(app(), '@s2/ai')).toEqual([]);
  });

  it.each(['esm.mjs', 'cjs.cjs'])('%s loads, chats and embeds; an HTTP error is an InferenceError', (file) => {
    const out = JSON.parse(app().runProgram(file, program(file.startsWith('esm') ? 'esm' : 'cjs'))) as Record<string, unknown>;
    expect(out).toEqual({
      text: 'Bearer tok hi',
      usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
      vectors: [
        [3, 1],
        [2, 1],
      ],
      missing: '404',
      azureChunking: { by: 'characters', maxChars: 24000 },
      azureVectors: [[4, 1]],
    });
  });
});
