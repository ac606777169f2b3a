/**
 * The hidden export commands against a small stand-in for the egress endpoints (the management
 * fake has none): request paths and bodies, and the results.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, NotSupportedError, type Connection } from '@s2/core';
import { testServer } from '@s2/testing/vitest';
import { FusionValueError, installFusion } from '../src/index.js';
import referenceSyntax from './reference-syntax.json' with { type: 'json' };

interface Seen { method: string; path: string; query: Record<string, string>; body: unknown }
const seen: Seen[] = [];
let server: Server;
let conn: Connection;
const CLUSTER = '11111111-2222-3333-4444-555555555555';

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : null;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    const s: Seen = { method: req.method!, path: url.pathname, query: Object.fromEntries(url.searchParams), body: await bodyOf(req) };
    seen.push(s);
    const send = (v: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(v));
    const verb = url.pathname.split('/').pop();
    if (url.pathname === `/v2/clusters/${CLUSTER}`) return send({ clusterID: CLUSTER, name: 'c', state: 'ACTIVE' });
    if (verb === 'createEgressClusterIdentity') return send({ identity: 'arn:aws:iam::1:role/x' });
    if (verb === 'startTableEgress') return send({ egressID: 'e1' });
    if (verb === 'tableEgressStatus') return s.query.scope ? send([{ egressID: 'e1' }, { egressID: 'e2' }]) : send(s.query.egressID === 'e1' ? { status: 'Running', statusMsg: 'ok' } : {});
    return send({});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.env.SINGLESTOREDB_WORKSPACE = CLUSTER;
  installFusion({ enabled: true, enableHidden: true, management: { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't' } });
  const info = testServer();
  conn = await connect(`${info.url}/${info.database}`);
});

afterAll(async () => {
  delete process.env.SINGLESTOREDB_WORKSPACE;
  await conn.close();
  await new Promise((r) => server.close(r));
});

const last = (verb: string) => seen.filter((s) => s.path.endsWith(`/egress/${verb}`)).pop()!;

describe('export commands (hidden)', () => {
  it('with hidden commands enabled, the registry holds every command of the reference with its syntax', () => {
    const registry = installFusion({ enabled: true, enableHidden: true });
    expect(Object.fromEntries(registry.list().map((c) => [c.key, c.compiled.syntax]))).toEqual(referenceSyntax);
  });

  it('START INCREMENTAL EXPORT sends the table, merged catalog/link settings, partitions, sort keys and interval', async () => {
    const rows = await conn.query(`start incremental export from db.t catalog config '{"a":1}' credentials '{"k":"s"}' link s3 config '{"region":"us"}' credentials '{"key":"x"}'
      partition by identity(c1), day(c2) order by year(c3) desc nulls_last, month(c4) properties '{"p":1}' refresh interval 5 minutes`);
    expect(rows).toEqual([['e1']]);
    expect(last('startTableEgress')).toMatchObject({
      method: 'POST',
      path: `/v2/clusters/${CLUSTER}/egress/startTableEgress`,
      body: {
        databaseName: 'db', tableName: 't',
        catalogInfo: { a: 1, k: 's' }, storageInfo: { region: 'us', key: 'x', provider: 'S3' },
        partitionSpec: { partitions: [{ transform: 'identity', name: 'c1' }, { transform: 'day', name: 'c2' }] },
        sortOrderSpec: { keys: [{ transform: 'year', name: 'c3', direction: 'descending', null_order: 'nulls_last' }, { transform: 'month', name: 'c4', direction: 'ascending', null_order: 'nulls_first' }] },
        properties: { p: 1 }, incremental: true, refreshInterval: 300,
      },
    });
  });

  it('rejects a table without database, BUCKET/TRUNCATE transforms and bad JSON with typed errors', async () => {
    await expect(conn.query(`start export from t catalog link`)).rejects.toBeInstanceOf(FusionValueError);
    await expect(conn.query(`start export from db.t catalog link partition by bucket(c, 4)`)).rejects.toBeInstanceOf(NotSupportedError);
    await expect(conn.query(`start export from db.t catalog config 'nope' link`)).rejects.toBeInstanceOf(FusionValueError);
  });

  it('status, listing, suspend, resume, drop and the cluster identity', async () => {
    expect(await conn.query("show export 'e1'")).toEqual([['e1', 'Running', 'ok']]);
    expect(last('tableEgressStatus').query).toEqual({ egressID: 'e1' });
    expect(await conn.query('show exports')).toEqual([['e1', 'Running', 'ok'], ['e2', 'Unknown', '']]);
    expect(await conn.query("suspend export 'e1'")).toEqual([['e1', 'Running', 'ok']]);
    expect(last('suspendTableEgress')).toMatchObject({ method: 'POST', body: { egressID: 'e1' } });
    await conn.query("resume export 'e1'");
    expect(last('resumeTableEgress').body).toEqual({ egressID: 'e1' });
    await conn.query("drop export 'e1'");
    expect(last('dropTableEgress')).toMatchObject({ method: 'DELETE', body: { egressID: 'e1' } });
    expect(await conn.query(`create cluster identity catalog config '{"a":1}' link s3 config '{"b":2}'`)).toEqual([['arn:aws:iam::1:role/x']]);
    expect(last('createEgressClusterIdentity').body).toEqual({ catalogInfo: { a: 1 }, storageInfo: { b: 2, provider: 'S3' } });
  });
});
