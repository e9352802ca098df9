import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { UpstreamConfig } from '../config/index.js';
// The leaf module, not config/index: config imports upstream (balancer kinds), so this keeps the graph acyclic.
import { Secret } from '../config/secret.js';

/** Why an upstream's key, certificate or secret file cannot be used; names the upstream and the field, never a value. */
export class UpstreamCredentialError extends Error {
  constructor(upstream: string, field: string, reason: string) {
    super(`upstreams.${upstream}.${field}: ${reason}`);
    this.name = 'UpstreamCredentialError';
  }
}

/** A file's bytes, or an UpstreamCredentialError naming where it is configured. */
export function readConfiguredFile(upstream: string, field: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UpstreamCredentialError(upstream, field, `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** A secret file (e.g. a mounted Kubernetes secret): its text without one trailing newline. */
export function readSecretFile(upstream: string, field: string, path: string): Secret {
  const text = readConfiguredFile(upstream, field, path).toString('utf8').replace(/\r?\n$/, '');
  if (text === '') throw new UpstreamCredentialError(upstream, field, `${path} is empty`);
  return new Secret(text);
}

/** The secret given inline (`${VAR}`) or by file, if any. */
export function secretOf(upstream: string, field: string, inline: Secret | undefined, file: string | undefined): Secret | undefined {
  if (inline !== undefined) return inline;
  return file === undefined ? undefined : readSecretFile(upstream, `${field}File`, file);
}

/** Keys the stamps below; random per process, so a stamp tells nothing about a secret outside it. */
const stampKey = randomBytes(32);

/**
 * A keyed digest of every credential an upstream uses: inline secrets and the contents of its
 * secret, key and certificate files. Two configurations with the same stamp use the same
 * credentials, so a reload after a rotated file (same path, new content) builds the upstream anew.
 */
export function credentialStamp(config: Pick<UpstreamConfig, 'security' | 'tls'>): string {
  const hmac = createHmac('sha256', stampKey);
  const { security, tls } = config;
  const secrets = [security?.usernameToken?.password, security?.x509?.passphrase, tls?.passphrase];
  const files = [
    security?.usernameToken?.passwordFile, security?.x509?.key, security?.x509?.cert, security?.x509?.passphraseFile,
    ...(tls?.ca === undefined ? [] : Array.isArray(tls.ca) ? tls.ca : [tls.ca]), tls?.cert, tls?.key, tls?.passphraseFile,
  ];
  for (const secret of secrets) hmac.update(`${secret === undefined ? '-' : secret.reveal()}\0`);
  for (const file of files) {
    if (file === undefined) hmac.update('-\0');
    else {
      try {
        hmac.update(readFileSync(file));
      } catch {
        hmac.update('unreadable');
      }
      hmac.update('\0');
    }
  }
  return hmac.digest('hex');
}
