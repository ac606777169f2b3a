/**
 * The pack-and-install helper of the install-closure tests (@s2/vectorstore's, and @s2/ai's and
 * @s2/wire's, which import it from here) lives in @s2/testing (`@s2/testing/pack-install`).
 */
export { type InstalledApp, nodeImports, packAndInstall, packInstallUnavailable, useInstalledApp } from '../../../testing/src/pack-install.js';
