export { startDocker, DockerServer, DEFAULT_IMAGE, type DockerOptions } from './docker.js';
export { startFreeTier, FreeTierServer, FREE_TIER_BASE_URL, type FreeTierOptions } from './free-tier.js';
export { ServerStartError } from './errors.js';
export type { ServerConnectOptions } from './core-peer.js';
export type { DatabaseConnection } from '@s2/base';
