import { createSecureContext, type SecureContext } from 'node:tls';
import { OperationalError } from '@s2/base';
import type { WireTlsOptions } from './options.js';

const CR_SSL_CONNECTION_ERROR = 2026;
const PEM_CERTIFICATE = /-----BEGIN [A-Z0-9 ]*CERTIFICATE-----/;

/** TLS material settings, with the names `connect()` of @s2/core gives them. */
const SETTINGS = { ca: 'ssl_ca', cert: 'ssl_cert', key: 'ssl_key', ciphers: 'ssl_cipher' } as const;
type Setting = keyof typeof SETTINGS;

/**
 * The TLS material of `tls` as one SecureContext, built before anything is dialled: OpenSSL
 * refuses bad material (an unknown cipher list, a key that is not the certificate's, an
 * encrypted or unreadable key) synchronously, and inside the handshake that escaped as a raw
 * Node error. Here it is OperationalError 2026 naming the setting. Undefined when no material
 * is given: the handshake then takes Node's defaults (the system CAs).
 */
export function secureContextFor(tls: WireTlsOptions | undefined): SecureContext | undefined {
  if (!tls || (tls.ca === undefined && tls.cert === undefined && tls.key === undefined && tls.ciphers === undefined)) return undefined;
  checkCa(tls.ca);
  try {
    return createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key, ciphers: tls.ciphers, minVersion: 'TLSv1.2' });
  } catch (err) {
    throw blame(tls, err as Error);
  }
}

/** Node takes a CA that is not PEM without a word and then trusts nothing it names. */
function checkCa(ca: WireTlsOptions['ca']): void {
  if (ca === undefined) return;
  for (const item of Array.isArray(ca) ? ca : [ca]) {
    const text = typeof item === 'string' ? item : Buffer.from(item).toString('latin1');
    if (!PEM_CERTIFICATE.test(text)) throw invalid(['ca'], 'it holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  }
}

/** The settings that make OpenSSL refuse the material, each tried on its own. */
function blame(tls: WireTlsOptions, err: Error): OperationalError {
  for (const setting of ['ciphers', 'ca', 'cert', 'key'] as const) {
    if (tls[setting] === undefined) continue;
    try {
      createSecureContext({ [setting]: tls[setting] });
    } catch (own) {
      return invalid([setting], reason(own as Error), own as Error);
    }
  }
  // Each is fine alone: together they are not (a key that is not the certificate's).
  const given = (Object.keys(SETTINGS) as Setting[]).filter((s) => tls[s] !== undefined);
  const together: Setting[] = tls.cert !== undefined && tls.key !== undefined ? ['cert', 'key'] : given;
  return invalid(together, reason(err), err);
}

function reason(err: Error): string {
  const code = (err as { code?: string }).code;
  if (code === 'ERR_OSSL_BAD_DECRYPT') return `${err.message} (an encrypted private key is not supported: give it decrypted)`;
  return err.message;
}

function invalid(settings: Setting[], why: string, cause?: Error): OperationalError {
  const names = settings.map((s) => `tls.${s} (${SETTINGS[s]})`).join(' with ');
  return new OperationalError(`Invalid TLS setting ${names}: ${why}`, { errno: CR_SSL_CONNECTION_ERROR, cause });
}
