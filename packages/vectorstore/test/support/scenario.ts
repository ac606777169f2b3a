import type { Connection } from '@s2/core';
import { vectorDb, type IndexHandle, type VectorDb, type VectorDbOptions } from '@s2/vectorstore';

export interface Step {
  op: string;
  args?: Record<string, any>;
}

/** One sequence of operations, run by both s2 and the reference (test/python/run_scenario.py). */
export const SCENARIO: Step[] = [
  { op: 'init' },
  { op: 'createIndex', args: { name: 'docs', dimension: 3, metric: 'cosine', tags: { team: 'search' } } },
  {
    op: 'createIndex',
    args: {
      name: 'eu',
      dimension: 3,
      metric: 'euclidean',
      deletionProtection: 'enabled',
      useVectorIndex: true,
      vectorIndexOptions: { index_type: 'HNSW_FLAT', M: 16 },
    },
  },
  { op: 'createIndex', args: { name: 'dp', dimension: 3, metric: 'dotproduct' } },
  { op: 'hasIndex', args: { name: 'docs' } },
  { op: 'hasIndex', args: { name: 'nope' } },
  { op: 'listIndexes' },
  { op: 'describeIndex', args: { name: 'eu' } },
  { op: 'configureIndex', args: { name: 'docs', tags: { team: 'x' }, deletionProtection: 'enabled' } },
  { op: 'configureIndex', args: { name: 'eu', useVectorIndex: false } },
  { op: 'configureIndex', args: { name: 'dp', useVectorIndex: true, vectorIndexOptions: { index_type: 'IVF_PQFS', nlist: 1024, nprobe: 20 } } },
  { op: 'configureIndex', args: { name: 'dp' } },
  {
    op: 'upsert',
    args: {
      index: 'docs',
      namespace: 'ns1',
      vectors: [
        { id: 'a', values: [0.1, 0.2, 0.3], metadata: { genre: 'drama', year: 2021 } },
        { id: 'b', values: [0.5, 0.25, 0.125], metadata: { genre: "it's", tags: ['x', 'y'] } },
        { id: 'c', values: [1, 2, 3.3], metadata: {} },
      ],
    },
  },
  {
    op: 'upsert',
    args: {
      index: 'dp',
      vectors: [
        ['a', [0.7, 0.8, 0.9]],
        ['b', [1, 2, 3]],
      ],
    },
  },
  {
    op: 'upsert',
    args: {
      index: 'eu',
      vectors: [
        ['a', [0.7, 0.8, 0.9], { n: 1 }],
        ['b', [1, 2, 3], { ü: 'ß' }],
      ],
    },
  },
  { op: 'fetch', args: { index: 'docs', ids: ['a', 'b'], namespace: 'ns1' } },
  {
    op: 'query',
    args: { index: 'docs', topK: 2, vector: [0.1, 0.2, 0.3], includeMetadata: true, filter: { $and: [{ genre: 'drama' }, { year: { $gte: 2020 } }] } },
  },
  {
    op: 'query',
    args: {
      index: 'eu',
      topK: 5,
      vector: [0.25, 0.5, 0.75],
      namespaces: ['ns1', 'ns2'],
      includeValues: true,
      filter: { $or: [{ genre: { $in: ['a', 'b'] } }, { rating: { $lt: 3.5 } }] },
    },
  },
  { op: 'query', args: { index: 'eu', topK: 3, vector: [0.25, 0.5, 0.75], searchOptions: { k: 10, ef: 64 }, filter: { tags: { $nin: ['x', 1] } } } },
  {
    op: 'query',
    args: {
      index: 'eu',
      topK: 3,
      vector: [0.25, 0.5, 0.75],
      disableVectorIndexUse: true,
      filter: { $and: [{ year: { $ne: 2000 } }, { draft: { $exists: false } }] },
    },
  },
  { op: 'query', args: { index: 'docs', topK: 3, id: 'a', includeValues: true } },
  {
    op: 'query',
    args: {
      index: 'dp',
      topK: 1,
      vector: [1, 2, 3],
      namespace: 'ns1',
      filter: { $or: [{ published: true }, { score: { $eq: 4.5 } }, { x: { $exists: true } }] },
    },
  },
  { op: 'update', args: { index: 'docs', id: 'a', values: [0.5, 0.25, 0.125], setMetadata: { genre: 'comedy' }, namespace: 'ns1' } },
  { op: 'update', args: { index: 'dp', id: 'a', setMetadata: { x: 1 } } },
  { op: 'delete', args: { index: 'docs', ids: ['a', 'b'] } },
  { op: 'delete', args: { index: 'docs', deleteAll: true, namespace: 'ns1' } },
  { op: 'delete', args: { index: 'dp', filter: { genre: 'drama' } } },
  { op: 'describeIndexStats', args: { index: 'docs', filter: { year: { $gt: 1 } } } },
  { op: 'describeIndexStats', args: { index: 'dp' } },
  { op: 'list', args: { index: 'docs', prefix: 'a', namespace: 'ns1' } },
  { op: 'list', args: { index: 'dp' } },
  { op: 'deleteIndex', args: { name: 'dp' } },
  { op: 'deleteIndex', args: { name: 'eu' } },
  { op: 'query', args: { index: 'docs', topK: 1, vector: [1, 2, 3], id: 'a' } },
  { op: 'delete', args: { index: 'docs' } },
  { op: 'update', args: { index: 'docs', id: 'a' } },
];

/** Runs the scenario with s2 on `conn`; returns per step null or the error text. */
export async function runS2Scenario(conn: Connection, steps: Step[], options: VectorDbOptions = {}): Promise<(string | null)[]> {
  let db: VectorDb | undefined;
  const handles = new Map<string, IndexHandle>();
  const index = async (name: string) => {
    if (!handles.has(name)) handles.set(name, await db!.index(name));
    return handles.get(name)!;
  };
  const results: (string | null)[] = [];
  for (const [n, { op, args = {} }] of steps.entries()) {
    await conn.execute(`SELECT 'op ${n}'`);
    try {
      switch (op) {
        case 'init':
          db = await vectorDb(conn, options);
          break;
        case 'createIndex': {
          const { name, ...rest } = args;
          await db!.createIndex(name, rest);
          break;
        }
        case 'deleteIndex':
          await db!.deleteIndex(args.name);
          break;
        case 'listIndexes':
          await db!.listIndexes();
          break;
        case 'describeIndex':
          await db!.describeIndex(args.name);
          break;
        case 'hasIndex':
          await db!.hasIndex(args.name);
          break;
        case 'configureIndex': {
          const { name, ...rest } = args;
          await db!.configureIndex(name, rest);
          break;
        }
        case 'index':
          handles.set(args.name, await db!.index(args.name));
          break;
        case 'upsert':
          await (await index(args.index)).upsert(args.vectors, { namespace: args.namespace });
          break;
        case 'fetch':
          await (await index(args.index)).fetch(args.ids, { namespace: args.namespace });
          break;
        case 'query': {
          const { index: name, ...rest } = args;
          await (await index(name)).query(rest as never);
          break;
        }
        case 'delete': {
          const { index: name, ...rest } = args;
          await (await index(name)).delete(rest);
          break;
        }
        case 'update': {
          const { index: name, id, ...rest } = args;
          await (await index(name)).update(id, rest);
          break;
        }
        case 'describeIndexStats':
          await (await index(args.index)).describeIndexStats({ filter: args.filter });
          break;
        case 'list':
          await (await index(args.index)).list({ prefix: args.prefix, namespace: args.namespace });
          break;
        default:
          throw new Error(`unknown op ${op}`);
      }
      results.push(null);
    } catch (err) {
      results.push(`${(err as Error).name}: ${(err as Error).message}`);
    }
  }
  return results;
}
