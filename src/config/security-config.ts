import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { Secret } from './secret.js';

/**
 * The security sections of gateway.yaml: WS-Security and TLS per upstream, and the admin API's
 * public paths. Credentials come from environment variables (`${VAR}`) or secret files only: a
 * credential written in plain text is refused at load, before the value is ever interpolated.
 */

/** A credential: only ever `${VAR}` in gateway.yaml (checked before interpolation by `plainTextSecrets`). */
const secretValue = z
  .string()
  .min(1, 'the variable is empty')
  .transform((value) => new Secret(value));

const filePath = z.string().min(1, 'a file path');

const usernameTokenSchema = z
  .object({
    username: z.string().min(1),
    /** `${VAR}`: the password from an environment variable. */
    password: secretValue.optional(),
    /** A file holding the password (one trailing newline is ignored), e.g. a mounted Kubernetes secret. */
    passwordFile: filePath.optional(),
    /** `digest` (PasswordDigest: the password never travels) or `text` (PasswordText: use it over TLS only). */
    type: z.enum(['digest', 'text']).default('digest'),
  })
  .strict()
  .superRefine((token, context) => {
    if ((token.password === undefined) === (token.passwordFile === undefined)) {
      context.addIssue({ code: 'custom', path: ['password'], message: 'set exactly one of password (as ${VAR}) or passwordFile' });
    }
  });

const x509Schema = z
  .object({
    /** PEM private key file that signs. */
    key: filePath,
    /** PEM certificate file whose public key verifies; sent as a BinarySecurityToken. */
    cert: filePath,
    /** `${VAR}`, when the key is encrypted. */
    passphrase: secretValue.optional(),
    passphraseFile: filePath.optional(),
    signatureAlgorithm: z.enum(['rsa-sha256', 'rsa-sha512', 'rsa-sha1']).default('rsa-sha256'),
    digestAlgorithm: z.enum(['sha256', 'sha512', 'sha1']).default('sha256'),
  })
  .strict()
  .refine((x509) => x509.passphrase === undefined || x509.passphraseFile === undefined, {
    message: 'set passphrase or passphraseFile, not both',
    path: ['passphraseFile'],
  });

export const wsSecurityConfigSchema = z
  .object({
    usernameToken: usernameTokenSchema.optional(),
    /** A wsu:Timestamp (Created, Expires = Created + ttlSeconds) in every request. */
    timestamp: z
      .object({ ttlSeconds: z.number().int().min(1).max(3_600).default(300) })
      .strict()
      .optional(),
    /** X.509 signature (XML-DSig, exclusive c14n) over the Body and the Timestamp. */
    x509: x509Schema.optional(),
    /** `mustUnderstand="1"` on the Security header: a system that cannot process it must refuse the call. */
    mustUnderstand: z.boolean().default(true),
  })
  .strict()
  .refine((security) => security.usernameToken || security.timestamp || security.x509, {
    message: 'configure at least one of usernameToken, timestamp or x509',
  });

export const upstreamTlsConfigSchema = z
  .object({
    /** PEM CA certificate file(s) to trust instead of the system's roots. */
    ca: z.union([filePath, z.array(filePath).min(1)]).optional(),
    /** PEM client certificate and key files, for mutual TLS. */
    cert: filePath.optional(),
    key: filePath.optional(),
    /** `${VAR}`, when the client key is encrypted. */
    passphrase: secretValue.optional(),
    passphraseFile: filePath.optional(),
    /** The name to verify the upstream's certificate against (and send as SNI); default: the endpoint's host. */
    servername: z.string().min(1).optional(),
    /** Only for a test bench: false accepts any certificate. */
    rejectUnauthorized: z.boolean().default(true),
    minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  })
  .strict()
  .superRefine((tls, context) => {
    if ((tls.cert === undefined) !== (tls.key === undefined)) {
      context.addIssue({ code: 'custom', path: [tls.cert === undefined ? 'cert' : 'key'], message: 'a client certificate needs both cert and key' });
    }
    if (tls.passphrase !== undefined && tls.passphraseFile !== undefined) {
      context.addIssue({ code: 'custom', path: ['passphraseFile'], message: 'set passphrase or passphraseFile, not both' });
    }
  });

export const defaultAdminPublicPaths = ['/livez', '/readyz', '/metrics'] as const;

export const adminConfigSchema = z
  .object({
    /** Admin paths answered without the bearer token; every other path needs it. */
    publicPaths: z.array(z.string().regex(/^\/[^\s?#]*$/, 'a path like /livez')).default([...defaultAdminPublicPaths]),
  })
  .strict();

export type WsSecurityConfig = z.output<typeof wsSecurityConfigSchema>;
export type UpstreamTlsConfig = z.output<typeof upstreamTlsConfigSchema>;
export type AdminConfig = z.output<typeof adminConfigSchema>;

/** Where credentials may appear in gateway.yaml, relative to one upstream. */
const secretPaths: ReadonlyArray<readonly string[]> = [
  ['security', 'usernameToken', 'password'],
  ['security', 'x509', 'passphrase'],
  ['tls', 'passphrase'],
];

const wholeReference = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/**
 * Checks the raw gateway.yaml tree, before `${VAR}` references are resolved: a credential must be
 * exactly one reference without a default. The value itself is never quoted in the message.
 */
export function plainTextSecrets(raw: unknown): Array<{ path: string; message: string }> {
  const found: Array<{ path: string; message: string }> = [];
  const upstreams = field(raw, 'upstreams');
  if (!isObject(upstreams)) return found;
  for (const [name, upstream] of Object.entries(upstreams)) {
    for (const path of secretPaths) {
      const value = path.reduce<unknown>((node, key) => field(node, key), upstream);
      if (value === undefined || (typeof value === 'string' && wholeReference.test(value))) continue;
      found.push({
        path: ['upstreams', name, ...path].join('.'),
        message: `credentials are never written in gateway.yaml: write \${SOME_VARIABLE} (an environment variable, no default) or use ${path.at(-1)}File`,
      });
    }
  }
  return found;
}

/**
 * Makes the file paths of `security` and `tls` absolute (relative to gateway.yaml) and reports files
 * that cannot be read, so `ficus validate` finds them. Returns the upstream with resolved paths.
 */
export function resolveSecurityFiles<U extends UpstreamSecurityParts>(
  name: string,
  upstream: U,
  resolvePath: (path: string) => string,
  report: (path: string, message: string) => void,
): U {
  const where = (...segments: string[]) => ['upstreams', name, ...segments].join('.');
  const resolve = (path: string, at: string): string => {
    const absolute = resolvePath(path);
    try {
      accessSync(absolute, constants.R_OK);
    } catch (error) {
      report(at, `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    return absolute;
  };
  const resolveOptional = (path: string | undefined, at: string): string | undefined => (path === undefined ? undefined : resolve(path, at));
  let result = upstream;
  const { security, tls } = upstream;
  if (security?.usernameToken?.type === 'text') {
    const clear = clearTextEndpoints(upstream);
    if (clear.length > 0) {
      report(where('security', 'usernameToken', 'type'), `PasswordText would cross the network readable to ${clear[0]}: use https endpoints, or type: digest`);
    }
  }
  if (security) {
    const token = security.usernameToken;
    const x509 = security.x509;
    result = {
      ...result,
      security: {
        ...security,
        usernameToken: token && { ...token, passwordFile: resolveOptional(token.passwordFile, where('security', 'usernameToken', 'passwordFile')) },
        x509: x509 && {
          ...x509,
          key: resolve(x509.key, where('security', 'x509', 'key')),
          cert: resolve(x509.cert, where('security', 'x509', 'cert')),
          passphraseFile: resolveOptional(x509.passphraseFile, where('security', 'x509', 'passphraseFile')),
        },
      },
    };
  }
  if (tls) {
    const ca = tls.ca === undefined ? undefined : Array.isArray(tls.ca) ? tls.ca.map((path, i) => resolve(path, where('tls', 'ca', String(i)))) : resolve(tls.ca, where('tls', 'ca'));
    result = {
      ...result,
      tls: {
        ...tls,
        ca,
        cert: resolveOptional(tls.cert, where('tls', 'cert')),
        key: resolveOptional(tls.key, where('tls', 'key')),
        passphraseFile: resolveOptional(tls.passphraseFile, where('tls', 'passphraseFile')),
      },
    };
  }
  return result;
}

interface UpstreamSecurityParts {
  readonly security?: WsSecurityConfig;
  readonly tls?: UpstreamTlsConfig;
  readonly endpoints?: ReadonlyArray<string | { readonly url: string }>;
  readonly dns?: { readonly scheme: string; readonly name: string };
}

/** Endpoints reached over plain http off this machine (loopback is as private as memory). */
function clearTextEndpoints(upstream: UpstreamSecurityParts): string[] {
  if (upstream.endpoints === undefined) return upstream.dns?.scheme === 'http' ? [`http://${upstream.dns.name}`] : [];
  return upstream.endpoints
    .map((entry) => (typeof entry === 'string' ? entry : entry.url))
    .filter((url) => {
      const parsed = new URL(url);
      return parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname);
    });
}

/** 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) || /^::ffff:127\./.test(bare);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function field(value: unknown, key: string): unknown {
  return isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}
