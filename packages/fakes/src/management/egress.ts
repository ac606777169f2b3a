import { randomUUID } from 'node:crypto';
import { lookup, obj } from './deployments.js';
import { HttpError, type Req, type Router } from './router.js';
import { settle, type FakeState, type Json, type Stored } from './state.js';

/** Table exports: `clusters/{id}/egress/…` (v2) and `workspaceGroups/{id}/egress/…` (v1). */
export function registerEgress(router: Router, state: FakeState, egress: Map<string, Json>): void {
  const owner = (map: Map<string, Stored>, what: string) => (r: Req) => {
    const rec = lookup(map, r.params.id!, what);
    if (settle(rec).terminatedAt) throw new HttpError(404, `${what} is terminated`);
    return String(Object.values(rec.json)[0]);
  };
  const find = (ownerId: string, body: Json) => {
    const id = String(body.egressID ?? '');
    const e = egress.get(id);
    if (!e || e.ownerId !== ownerId) throw new HttpError(404, `export ${id} not found`);
    return e;
  };
  const view = (e: Json) => ({ egressID: e.egressID, status: e.status, statusMsg: e.statusMsg });
  for (const [base, map, what] of [
    ['/v2/clusters/:id/egress', state.clusters, 'cluster'],
    ['/v1/workspaceGroups/:id/egress', state.workspaceGroups, 'workspace group'],
  ] as const) {
    const ownerOf = owner(map, what);
    router.add('POST', `${base}/createEgressClusterIdentity`, (r) => {
      ownerOf(r);
      const b = obj(r.body);
      if (!b.catalogInfo || !b.storageInfo) throw new HttpError(400, 'catalogInfo and storageInfo are required');
      return { json: { identity: `arn:aws:iam::000000000000:role/s2-egress-${String(r.params.id).slice(0, 8)}` } };
    });
    router.add('POST', `${base}/startTableEgress`, (r) => {
      const ownerId = ownerOf(r);
      const b = obj(r.body);
      if (typeof b.databaseName !== 'string' || typeof b.tableName !== 'string') throw new HttpError(400, 'databaseName and tableName are required');
      if (!b.storageInfo || !b.catalogInfo) throw new HttpError(400, 'storageInfo and catalogInfo are required');
      const egressID = randomUUID();
      egress.set(egressID, { egressID, ownerId, status: 'Running', statusMsg: '', definition: b });
      return { json: { egressID } };
    });
    router.add('POST', `${base}/suspendTableEgress`, (r) => {
      const e = find(ownerOf(r), obj(r.body));
      e.status = 'Suspended';
      return { json: view(e) };
    });
    router.add('POST', `${base}/resumeTableEgress`, (r) => {
      const e = find(ownerOf(r), obj(r.body));
      e.status = 'Running';
      return { json: view(e) };
    });
    router.add('DELETE', `${base}/dropTableEgress`, (r) => {
      const e = find(ownerOf(r), obj(r.body));
      egress.delete(String(e.egressID));
      return { json: view(e) };
    });
    router.add('GET', `${base}/tableEgressStatus`, (r) => {
      const ownerId = ownerOf(r);
      const b = obj(r.body);
      if (b.egressID != null) return { json: view(find(ownerId, b)) };
      if (b.scope == null) throw new HttpError(400, 'a JSON body with egressID or scope is required');
      return { json: [...egress.values()].filter((e) => e.ownerId === ownerId).map(view) };
    });
  }
}
