import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import type { WsSecurityConfig } from '../config/index.js';
import { WsSecurity } from '../soap/index.js';
import { readConfiguredFile, secretOf, UpstreamCredentialError } from './secret-files.js';

/**
 * An upstream's WS-Security policy, its credentials read once (at start and on every reload) from
 * the environment or secret files. Throws {@link UpstreamCredentialError} for a file that cannot
 * be read, a key that does not open or a certificate that does not match the key.
 */
export function loadWsSecurity(upstream: string, config: WsSecurityConfig): WsSecurity {
  const token = config.usernameToken;
  const password = token && secretOf(upstream, 'security.usernameToken.password', token.password, token.passwordFile);
  return new WsSecurity({
    usernameToken: token && password ? { username: token.username, password: password.reveal(), type: token.type } : undefined,
    timestampTtlSeconds: config.timestamp?.ttlSeconds,
    x509: config.x509 && loadSigning(upstream, config.x509),
    mustUnderstand: config.mustUnderstand,
  });
}

function loadSigning(upstream: string, x509: NonNullable<WsSecurityConfig['x509']>): ConstructorParameters<typeof WsSecurity>[0]['x509'] {
  const passphrase = secretOf(upstream, 'security.x509.passphrase', x509.passphrase, x509.passphraseFile);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: readConfiguredFile(upstream, 'security.x509.key', x509.key), passphrase: passphrase?.reveal() });
  } catch (error) {
    if (error instanceof UpstreamCredentialError) throw error;
    throw new UpstreamCredentialError(upstream, 'security.x509.key', `${x509.key} is not a PEM private key, or its passphrase is wrong`);
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(readConfiguredFile(upstream, 'security.x509.cert', x509.cert));
  } catch (error) {
    if (error instanceof UpstreamCredentialError) throw error;
    throw new UpstreamCredentialError(upstream, 'security.x509.cert', `${x509.cert} is not a PEM certificate`);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new UpstreamCredentialError(upstream, 'security.x509.cert', `${x509.cert} does not belong to the key ${x509.key}`);
  }
  return { privateKey, certificate: certificate.raw, signatureAlgorithm: x509.signatureAlgorithm, digestAlgorithm: x509.digestAlgorithm };
}
