/**
 * Text in, vectors out with the real @s2/ai clients: the built-in embeddings client and the
 * LangChain.js class, talking HTTP to the AI fake of @s2/fakes, feed the store, which talks to
 * the recording fake MySQL server. The vectors in the statements must be the fake model's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '@s2/core';
import { embeddingsFactory } from '@s2/ai';
import { SingleStoreEmbeddings } from '@s2/ai/langchain';
import { fakeEmbedding, startFakeAi, type FakeAi } from '@s2/fakes/ai';
import { startRecordingMysqlServer, type RecordingServer } from '@s2/testing';
import { vectorDb, type EmbeddingsLike } from '@s2/vectorstore';
import { respond } from './support/fixture.js';

let ai: FakeAi;
let server: RecordingServer;
let conn: Connection;

beforeAll(async () => {
  ai = await startFakeAi({ dimension: 3 }); // the fixture's indexes have 3 dimensions
  server = await startRecordingMysqlServer({ respond, memsqlVersion: null });
  conn = await connect({ host: server.host, port: server.port, user: 'u', password: 'p', database: 'db' });
});
afterAll(async () => {
  await conn?.close();
  await server?.close();
  await ai?.close();
});

const jsonVector = (v: number[]) => `'[${v.join(',')}]'`;
const options = () => ({ modelName: 'e5-fake', baseUrl: ai.openaiUrl, hostingPlatform: 'Nova', env: {}, encodingFormat: 'float' as const });

const models: [string, () => Promise<EmbeddingsLike>][] = [
  ['the built-in @s2/ai client', () => embeddingsFactory(options())],
  ['the LangChain.js SingleStoreEmbeddings', async () => new SingleStoreEmbeddings(options())],
];

describe.each(models)('vector store with %s', (_, make) => {
  it("upserts text records with the model's vectors and queries by text", async () => {
    const db = await vectorDb(conn, { embeddings: await make() });
    const index = await db.index('dp');
    server.reset();
    await index.upsert([
      { id: 'a', text: 'distributed SQL' },
      { id: 'b', text: 'vector search', metadata: { k: 1 } },
    ]);
    expect(server.statements.map((s) => s.sql)).toEqual([
      `REPLACE INTO index_dp (id,vector,metadata) VALUES ('a',${jsonVector(fakeEmbedding('distributed SQL', 3))},NULL), ('b',${jsonVector(fakeEmbedding('vector search', 3))},'{\\"k\\": 1}')`,
    ]);
    server.reset();
    await index.query({ text: 'which database?', topK: 1 });
    expect(server.statements[0]!.sql).toBe(
      `SELECT id, vector, metadata, -DOT_PRODUCT(vector, ${jsonVector(fakeEmbedding('which database?', 3))}) AS __score FROM index_dp ORDER BY __score LIMIT 1`,
    );
  });
});

it('a long text is chunked by the @s2/ai client and stored as the combined unit vector', async () => {
  const db = await vectorDb(conn, { embeddings: await embeddingsFactory({ ...options(), maxChunkChars: 10 }) });
  const index = await db.index('dp');
  server.reset();
  const text = 'abcdefghijklmnopqrstuvwxy'; // 10 + 10 + 5 characters
  await index.upsert([{ id: 'long', text }]);
  const pieces = ['abcdefghij', 'klmnopqrst', 'uvwxy'];
  const weights = [10, 10, 5];
  const avg = [0, 1, 2].map((k) => pieces.reduce((s, p, j) => s + fakeEmbedding(p, 3)[k]! * weights[j]!, 0) / 25);
  const norm = Math.hypot(...avg);
  const got = JSON.parse(/VALUES \('long','(\[[^\]]*\])'\)/.exec(server.statements[0]!.sql)![1]!) as number[];
  expect(got).toHaveLength(avg.length);
  got.forEach((x, k) => expect(x).toBeCloseTo(avg[k]! / norm, 12));
});
