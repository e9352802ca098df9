import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import type { UpstreamTlsConfig } from '../config/index.js';
import { readConfiguredFile, secretOf, UpstreamCredentialError } from './secret-files.js';

/** What undici's `connect` (and so `tls.connect`) gets for an upstream's https endpoints. */
export type TlsConnectOptions = Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'passphrase' | 'servername' | 'rejectUnauthorized' | 'minVersion'>;

/**
 * Reads an upstream's `tls` files once (at start and on every reload, so rotated certificates are
 * picked up) and checks them: each CA and the client certificate must be X.509 PEM, and the key
 * must open with its passphrase. Throws {@link UpstreamCredentialError}.
 *
 * @example
 * new Pool(origin, { connect: { timeout: 2000, ...loadTlsOptions('crm', config.tls) } });
 */
export function loadTlsOptions(upstream: string, config: UpstreamTlsConfig): TlsConnectOptions {
  const options: TlsConnectOptions = { rejectUnauthorized: config.rejectUnauthorized, minVersion: config.minVersion };
  if (config.ca !== undefined) {
    const files = Array.isArray(config.ca) ? config.ca : [config.ca];
    options.ca = files.map((file, index) => certificatePem(upstream, Array.isArray(config.ca) ? `tls.ca.${index}` : 'tls.ca', file));
  }
  if (config.cert !== undefined && config.key !== undefined) {
    const passphrase = secretOf(upstream, 'tls.passphrase', config.passphrase, config.passphraseFile);
    const key = readConfiguredFile(upstream, 'tls.key', config.key);
    try {
      createPrivateKey({ key, passphrase: passphrase?.reveal() });
    } catch {
      throw new UpstreamCredentialError(upstream, 'tls.key', `${config.key} is not a PEM private key, or its passphrase is wrong`);
    }
    options.cert = certificatePem(upstream, 'tls.cert', config.cert);
    options.key = key;
    if (passphrase !== undefined) options.passphrase = passphrase.reveal();
  }
  if (config.servername !== undefined) options.servername = config.servername;
  return options;
}

function certificatePem(upstream: string, field: string, file: string): string {
  const pem = readConfiguredFile(upstream, field, file).toString('utf8');
  try {
    new X509Certificate(pem);
  } catch {
    throw new UpstreamCredentialError(upstream, field, `${file} is not a PEM certificate`);
  }
  return pem;
}
