import { OptionError } from '@s2/base';
import type { ConnectOptions } from './connect-options.js';

export type TlsModeName = NonNullable<ConnectOptions['tlsMode']>;

/** The settings that decide how TLS is used (the CA/cert/key files only supply material). */
export type TlsSettings = Pick<ConnectOptions, 'tlsMode' | 'sslDisabled' | 'sslVerifyCert' | 'sslVerifyIdentity' | 'sslCa'>;

export const TLS_DECIDING_KEYS = ['tlsMode', 'sslDisabled', 'sslVerifyCert', 'sslVerifyIdentity'] as const;

/** Where a layer of settings came from, to name them in errors. */
export interface TlsLayer {
  settings: TlsSettings;
  /** How a key is spelled in this layer: `tlsMode` in code, `SINGLESTOREDB_TLS_MODE` in the environment... */
  name: (snake: string) => string;
}

const VERIFYING = new Set<TlsModeName>(['verify-ca', 'verify-full']);

/**
 * What ssl_disabled=false alone decides: TLS stays on at the host's default mode (the one with no
 * TLS settings at all, never 'disabled'), which only the driver knows.
 */
const HOST_DEFAULT = 'host-default';

/** A layer's decision: a mode, HOST_DEFAULT, or undefined when it says nothing about TLS. */
type TlsDecision = TlsModeName | typeof HOST_DEFAULT | undefined;

/**
 * The TLS mode one layer of settings asks for (undefined: the host's default, whether the layer
 * says nothing or only ssl_disabled=false). Contradictions within the layer are an OptionError.
 */
export function layerTlsMode(layer: TlsLayer): TlsModeName | undefined {
  const decision = layerTlsDecision(layer);
  return decision === HOST_DEFAULT ? undefined : decision;
}

/**
 * What one layer of settings decides about TLS. Settings that contradict each other within the
 * layer are an OptionError naming both.
 */
function layerTlsDecision(layer: TlsLayer): TlsDecision {
  const { tlsMode, sslDisabled, sslVerifyCert, sslVerifyIdentity, sslCa } = layer.settings;
  const clash = (a: string, b: string, why: string) =>
    new OptionError(`contradictory TLS settings: ${layer.name(a)} and ${layer.name(b)} (${why}); remove one of them`);
  if (sslDisabled === false && tlsMode === 'disabled')
    throw clash('tls_mode', 'ssl_disabled', "tls_mode 'disabled' turns TLS off, ssl_disabled=false keeps it on");
  if (sslDisabled === true) {
    if (tlsMode && tlsMode !== 'disabled') throw clash('tls_mode', 'ssl_disabled', `tls_mode '${tlsMode}' asks for TLS, ssl_disabled turns it off`);
    if (sslCa) throw clash('ssl_disabled', 'ssl_ca', 'a CA to verify against, but TLS turned off');
    if (sslVerifyCert === true) throw clash('ssl_disabled', 'ssl_verify_cert', 'certificate verification, but TLS turned off');
    if (sslVerifyIdentity === true) throw clash('ssl_disabled', 'ssl_verify_identity', 'a host name check, but TLS turned off');
    return 'disabled';
  }
  // The SingleStoreDB Python SDK verifies whenever a CA is given, ssl_verify_cert=false or not;
  // connecting unverified here would quietly be weaker than the reference.
  if (sslCa && sslVerifyCert === false)
    throw clash(
      'ssl_ca',
      'ssl_verify_cert',
      'a CA to verify the certificate against, but verification turned off; the Python SDK ignores ssl_verify_cert=false when a CA is given',
    );
  if (tlsMode) {
    const verifies = VERIFYING.has(tlsMode);
    if (!verifies && sslCa) throw clash('tls_mode', 'ssl_ca', `tls_mode '${tlsMode}' does not verify the certificate that ssl_ca is for`);
    if (!verifies && sslVerifyCert === true) throw clash('tls_mode', 'ssl_verify_cert', `tls_mode '${tlsMode}' does not verify certificates`);
    if (verifies && sslVerifyCert === false) throw clash('tls_mode', 'ssl_verify_cert', `tls_mode '${tlsMode}' verifies the certificate`);
    if (tlsMode === 'verify-full' && sslVerifyIdentity === false) throw clash('tls_mode', 'ssl_verify_identity', "tls_mode 'verify-full' checks the host name");
    if (tlsMode !== 'verify-full' && sslVerifyIdentity === true)
      throw clash('tls_mode', 'ssl_verify_identity', `tls_mode '${tlsMode}' does not check the host name`);
    return tlsMode;
  }
  if (sslVerifyCert === false) {
    if (sslVerifyIdentity === true)
      throw clash('ssl_verify_cert', 'ssl_verify_identity', 'a host name check means nothing on a certificate that is not verified');
    return 'required';
  }
  // ssl_verify_identity=true on its own asks for the full check, so it is a TLS setting that a
  // lower layer (SINGLESTOREDB_SSL_VERIFY_CERT=false, say) cannot weaken.
  if (sslCa || sslVerifyCert === true || sslVerifyIdentity === true) return sslVerifyIdentity === false ? 'verify-ca' : 'verify-full';
  // An explicit "do not turn TLS off" must hold against a lower layer's ssl_disabled=1, as the
  // Python SDK's explicit parameters beat SINGLESTOREDB_* (wire spec 1); see resolveTlsMode.
  if (sslDisabled === false) return HOST_DEFAULT;
  return undefined;
}

/**
 * The effective TLS mode over layers given highest precedence first (code, URL, environment):
 * the first layer that says anything about TLS decides, so a lower layer can neither weaken
 * nor override what a higher one asked for. ssl_disabled=false only says "do not turn TLS off":
 * below it a layer's 'disabled' is passed over, any other mode still decides (as each of the
 * Python SDK's parameters is merged on its own). Each layer is checked for contradictions.
 * `mode` is undefined for the host's default, `from` is -1 when no layer decided.
 */
export function resolveTlsMode(layers: TlsLayer[]): { mode: TlsModeName | undefined; from: number } {
  let found: { mode: TlsModeName | undefined; from: number } = { mode: undefined, from: -1 };
  let keepOn = false;
  for (let i = 0; i < layers.length; i++) {
    const decision = layerTlsDecision(layers[i]);
    if (decision === undefined || found.from >= 0) continue;
    if (decision === HOST_DEFAULT) keepOn = true;
    else if (!(keepOn && decision === 'disabled')) found = { mode: decision, from: i };
  }
  // ssl_verify_identity=false alone asks for no TLS, so it does not decide; but it was spelled
  // out above the deciding layer, and what is spelled out higher wins: the certificate is still
  // verified (verify-ca), only the host name check of a lower layer's verify-full is dropped.
  if (found.mode === 'verify-full' && identityOffAbove(layers, found.from)) found.mode = 'verify-ca';
  return found;
}

/** Whether a layer above `from` sets ssl_verify_identity=false. */
export function identityOffAbove(layers: readonly TlsLayer[], from: number): boolean {
  return layers.slice(0, from).some((l) => l.settings.sslVerifyIdentity === false);
}
