import { randomUUID } from 'node:crypto';

export type Json = Record<string, unknown>;

/** A resource record: its JSON fields plus the pending transition the fake applies when it is due. */
export interface Stored {
  json: Json;
  /** When set: at `at` (epoch ms) the state becomes `to` (and `then` runs). */
  pending?: { at: number; to: string; then?: (json: Json) => void };
  /** Firewall applied asynchronously (v2 clusters): until `at`, GET reports no ranges. */
  firewallAt?: number;
}

export interface FakeRegion {
  regionID: string;
  region: string;
  provider: string;
  regionName: string;
}

export interface FakeState {
  organization: { orgID: string; name: string; firewallRanges: string[] };
  regions: FakeRegion[];
  sharedTierRegions: { region: string; provider: string; regionName: string }[];
  projects: Json[];
  clusters: Map<string, Stored>;
  starterClusters: Map<string, Stored>;
  workspaceGroups: Map<string, Stored>;
  workspaces: Map<string, Stored>;
  starterWorkspaces: Map<string, Stored>;
  starterUsers: Map<string, Json[]>;
  secrets: Map<string, Json>;
  jobs: Map<string, { json: Json; parameters: Json[] }>;
  runtimes: { name: string; description: string }[];
  /** Keyed by `${projectID}/${modelName}`. */
  inferenceApis: Map<string, Json>;
  models: Map<string, Json>;
  billing: Json[];
}

export const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export function initialState(): FakeState {
  const projectID = randomUUID();
  return {
    organization: { orgID: randomUUID(), name: 'fake-org', firewallRanges: [] },
    regions: [
      { regionID: randomUUID(), region: 'US East 1 (N. Virginia)', provider: 'AWS', regionName: 'us-east-1' },
      { regionID: randomUUID(), region: 'US West 2 (Oregon)', provider: 'AWS', regionName: 'us-west-2' },
      { regionID: randomUUID(), region: 'US Central 1 (Iowa)', provider: 'GCP', regionName: 'us-central1' },
      { regionID: randomUUID(), region: 'US East (Virginia)', provider: 'Azure', regionName: 'eastus' },
    ],
    sharedTierRegions: [
      { region: 'US East 1 (N. Virginia)', provider: 'AWS', regionName: 'us-east-1' },
      { region: 'US Central 1 (Iowa)', provider: 'GCP', regionName: 'us-central1' },
    ],
    projects: [{ projectID, name: 'Default Project', edition: 'STANDARD', createdAt: now() }],
    clusters: new Map(),
    starterClusters: new Map(),
    workspaceGroups: new Map(),
    workspaces: new Map(),
    starterWorkspaces: new Map(),
    starterUsers: new Map(),
    secrets: new Map(),
    jobs: new Map(),
    runtimes: [
      { name: 'notebooks-cpu-small', description: 'CPU notebook runtime, small' },
      { name: 'notebooks-cpu-medium', description: 'CPU notebook runtime, medium' },
    ],
    inferenceApis: new Map(),
    models: new Map(),
    billing: [],
  };
}

/** Applies a due transition; returns the record's JSON as a client should see it now. */
export function settle(rec: Stored, at = Date.now()): Json {
  if (rec.pending && at >= rec.pending.at) {
    const p = rec.pending;
    rec.pending = undefined;
    rec.json.state = p.to;
    p.then?.(rec.json);
  }
  if (rec.firewallAt != null && at < rec.firewallAt) return { ...rec.json, firewallRanges: [], allowAllTraffic: null };
  return rec.json;
}
