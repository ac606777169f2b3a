/**
 * The hidden export commands on @s2/management's export manager, against the management fake's
 * egress endpoints: request paths and bodies (the status reads are GETs with a JSON body, as the
 * reference sends them), the fake's export state, and the results.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect, NotSupportedError, type Connection } from '@s2/core';
import { ManagementError } from '@s2/management';
import { startManagementFake, type ManagementFake } from '@s2/fakes/management';
import { testServer } from '@s2/testing/vitest';
import { FusionNotFoundError, FusionValueError, installFusion } from '../src/index.js';
import referenceSyntax from './reference-syntax.json' with { type: 'json' };

let fake: ManagementFake;
let conn: Connection;
let cluster: string;

beforeAll(async () => {
  fake = await startManagementFake();
  installFusion({ enabled: true, enableHidden: true, management: { baseUrl: fake.url, token: fake.token } });
  const info = testServer();
  conn = await connect(`${info.url}/${info.database}`);
});

beforeEach(() => {
  fake.reset();
  cluster = String(fake.seed.cluster({ name: 'exporter' }).clusterID);
  process.env.SINGLESTOREDB_WORKSPACE = cluster;
});

afterAll(async () => {
  delete process.env.SINGLESTOREDB_WORKSPACE;
  await conn.close();
  await fake.close();
});

const last = (verb: string) => fake.requests.filter((r) => r.path.endsWith(`/egress/${verb}`)).pop()!;
const START = `start export from db.t catalog config '{"a":1}' link s3 config '{"b":2}'`;

describe('export commands (hidden)', () => {
  it('with hidden commands enabled, the registry holds every command of the reference with its syntax', () => {
    const registry = installFusion({ enabled: true, enableHidden: true });
    expect(Object.fromEntries(registry.list().map((c) => [c.key, c.compiled.syntax]))).toEqual(referenceSyntax);
  });

  it('START INCREMENTAL EXPORT sends the table, merged catalog/link settings, partitions, sort keys and interval', async () => {
    const rows = await conn.query<
      [string]
    >(`start incremental export from db.t catalog config '{"a":1}' credentials '{"k":"s"}' link s3 config '{"region":"us"}' credentials '{"key":"x"}'
      partition by identity(c1), day(c2) order by year(c3) desc nulls_last, month(c4) properties '{"p":1}' refresh interval 5 minutes`);
    expect(rows.length).toBe(1);
    expect(fake.exports.has(rows[0][0])).toBe(true);
    expect(last('startTableEgress')).toMatchObject({
      method: 'POST',
      path: `/v2/clusters/${cluster}/egress/startTableEgress`,
      body: {
        databaseName: 'db',
        tableName: 't',
        catalogInfo: { a: 1, k: 's' },
        storageInfo: { region: 'us', key: 'x', provider: 'S3' },
        partitionSpec: {
          partitions: [
            { transform: 'identity', name: 'c1' },
            { transform: 'day', name: 'c2' },
          ],
        },
        sortOrderSpec: {
          keys: [
            { transform: 'year', name: 'c3', direction: 'descending', null_order: 'nulls_last' },
            { transform: 'month', name: 'c4', direction: 'ascending', null_order: 'nulls_first' },
          ],
        },
        properties: { p: 1 },
        incremental: true,
        refreshInterval: 300,
      },
    });
  });

  it('START EXPORT sends neither incremental nor the optional specs it was not given', async () => {
    await conn.query(START);
    expect(last('startTableEgress').body).toEqual({ databaseName: 'db', tableName: 't', catalogInfo: { a: 1 }, storageInfo: { b: 2, provider: 'S3' } });
  });

  it('rejects a table without database, BUCKET/TRUNCATE transforms and bad JSON with typed errors', async () => {
    await expect(conn.query('start export from t catalog link')).rejects.toBeInstanceOf(FusionValueError);
    await expect(conn.query('start export from db.t catalog link partition by bucket(c, 4)')).rejects.toBeInstanceOf(NotSupportedError);
    await expect(conn.query(`start export from db.t catalog config 'nope' link`)).rejects.toBeInstanceOf(FusionValueError);
    expect(fake.exports.size).toBe(0);
  });

  it("status, listing, suspend, resume and drop change the fake's exports; status reads are GETs with a JSON body", async () => {
    const [[id]] = await conn.query<[string]>(START);
    const [[other]] = await conn.query<[string]>(START);
    expect(await conn.query(`show export '${id}'`)).toEqual([[id, 'Running', '']]);
    expect(last('tableEgressStatus')).toMatchObject({ method: 'GET', query: {}, body: { egressID: id } });
    expect(await conn.query('show exports')).toEqual([
      [id, 'Running', ''],
      [other, 'Running', ''],
    ]);
    expect(fake.requests.some((r) => r.path.endsWith('/tableEgressStatus') && (r.body as { scope?: string }).scope === 'all')).toBe(true);
    expect(await conn.query(`suspend export '${id}'`)).toEqual([[id, 'Suspended', '']]);
    expect(last('suspendTableEgress')).toMatchObject({ method: 'POST', body: { egressID: id } });
    expect(await conn.query(`resume export '${id}'`)).toEqual([[id, 'Running', '']]);
    expect(await conn.query(`drop export '${id}'`)).toEqual([]);
    expect(last('dropTableEgress')).toMatchObject({ method: 'DELETE', body: { egressID: id } });
    expect([...fake.exports.keys()]).toEqual([other]);
    await expect(conn.query(`show export '${id}'`)).rejects.toBeInstanceOf(ManagementError);
  });

  it('CREATE CLUSTER IDENTITY returns the identity of the current cluster', async () => {
    expect(await conn.query(`create cluster identity catalog config '{"a":1}' link s3 config '{"b":2}'`)).toEqual([
      [`arn:aws:iam::000000000000:role/s2-egress-${cluster.slice(0, 8)}`],
    ]);
    expect(last('createEgressClusterIdentity').body).toEqual({ catalogInfo: { a: 1 }, storageInfo: { b: 2, provider: 'S3' } });
  });

  it('without a current cluster the export commands say so', async () => {
    delete process.env.SINGLESTOREDB_WORKSPACE;
    await expect(conn.query('show exports')).rejects.toBeInstanceOf(FusionNotFoundError);
  });
});
