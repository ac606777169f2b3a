import { version } from '../package.json';

/**
 * The s2 version, read from this package's package.json at build time. All @s2 packages are
 * released together under one version (changesets' fixed group), so this is every package's.
 */
export const S2_VERSION: string = version;
