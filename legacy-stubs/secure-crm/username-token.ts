import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * What a WS-Security server checks in a UsernameToken, as WSS4J and WCF do: the user exists, the
 * password (PasswordText) or the digest Base64(SHA-1(nonce + created + password)) (PasswordDigest)
 * is right, Created is fresh, the nonce was never seen before (no replay), and a Timestamp, if
 * any, has not expired. Works on the header object node-soap parses (`{ UsernameToken: {...} }`).
 */

const PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

export interface UsernameTokenPolicy {
  /** Username -> password. */
  readonly users: Readonly<Record<string, string>>;
  /** How old (or how far in the future) Created may be; default 5 minutes. */
  readonly maxSkewMs?: number;
  /** Which password types are accepted; default both. */
  readonly accept?: ReadonlyArray<'digest' | 'text'>;
  /** Nonces remembered at most (the oldest are forgotten first); default 10,000. */
  readonly maxNonces?: number;
}

/** The WS-Security fault codes (local names in the wsse namespace) a refusal carries. */
export type WsseFaultCode = 'InvalidSecurity' | 'FailedAuthentication' | 'MessageExpired';

export type Verdict =
  | { readonly ok: true; readonly username: string }
  | { readonly ok: false; readonly code: WsseFaultCode; readonly reason: string };

export class UsernameTokenVerifier {
  private readonly nonces = new Map<string, number>();
  private readonly maxSkewMs: number;
  private readonly accept: ReadonlySet<string>;
  private readonly maxNonces: number;

  constructor(private readonly policy: UsernameTokenPolicy) {
    this.maxSkewMs = policy.maxSkewMs ?? 5 * 60_000;
    this.accept = new Set(policy.accept ?? ['digest', 'text']);
    this.maxNonces = policy.maxNonces ?? 10_000;
  }

  /** Checks node-soap's parsed `Security` header (undefined when the request has none). */
  verify(security: unknown, now = Date.now()): Verdict {
    const token = field(security, 'UsernameToken');
    if (token === undefined) return refuse('InvalidSecurity', 'the request has no wsse:Security UsernameToken');
    const timestamp = field(security, 'Timestamp');
    if (timestamp !== undefined) {
      const expires = Date.parse(textOf(field(timestamp, 'Expires')) ?? '');
      if (!Number.isFinite(expires) || expires < now) return refuse('MessageExpired', 'the Timestamp has expired');
    }
    const username = textOf(field(token, 'Username')) ?? '';
    const passwordNode = field(token, 'Password');
    const password = textOf(passwordNode) ?? '';
    const type = attributeOf(passwordNode, 'Type') ?? PASSWORD_TEXT;
    const nonce = textOf(field(token, 'Nonce'));
    const created = textOf(field(token, 'Created'));
    if (created !== undefined) {
      const at = Date.parse(created);
      if (!Number.isFinite(at) || Math.abs(now - at) > this.maxSkewMs) return refuse('MessageExpired', 'Created is too old or in the future');
    }
    const known = Object.hasOwn(this.policy.users, username) ? this.policy.users[username] : undefined;
    let matches: boolean;
    if (type === PASSWORD_DIGEST) {
      if (!this.accept.has('digest')) return refuse('InvalidSecurity', 'PasswordDigest is not accepted');
      if (nonce === undefined || created === undefined) return refuse('InvalidSecurity', 'PasswordDigest needs a Nonce and Created');
      const nonceBytes = Buffer.from(nonce, 'base64');
      const expected = createHash('sha1')
        .update(Buffer.concat([nonceBytes, Buffer.from(created, 'utf8'), Buffer.from(known ?? '', 'utf8')]))
        .digest();
      matches = sameBytes(Buffer.from(password, 'base64'), expected);
    } else if (type === PASSWORD_TEXT) {
      if (!this.accept.has('text')) return refuse('InvalidSecurity', 'PasswordText is not accepted');
      matches = sameBytes(digest(password), digest(known ?? ''));
    } else {
      return refuse('InvalidSecurity', 'unknown password type');
    }
    // Unknown user and wrong password are one answer, so users cannot be guessed.
    if (known === undefined || !matches) return refuse('FailedAuthentication', 'the security token could not be authenticated');
    if (nonce !== undefined) {
      this.forgetOld(now);
      if (this.nonces.has(nonce)) return refuse('FailedAuthentication', 'the nonce was used before (replay)');
      this.nonces.set(nonce, now + this.maxSkewMs);
    }
    return { ok: true, username };
  }

  private forgetOld(now: number): void {
    for (const [nonce, until] of this.nonces) {
      if (until >= now && this.nonces.size < this.maxNonces) break;
      this.nonces.delete(nonce);
    }
  }
}

function refuse(code: WsseFaultCode, reason: string): Verdict {
  return { ok: false, code, reason };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function field(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object' || !Object.hasOwn(value, name)) return undefined;
  const found = (value as Record<string, unknown>)[name];
  return Array.isArray(found) ? found[0] : found;
}

/** node-soap gives an element's text as a string, or as `$value` beside its `attributes`. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const text = field(value, '$value');
  return typeof text === 'string' ? text : undefined;
}

function attributeOf(value: unknown, name: string): string | undefined {
  const attributes = field(value, 'attributes');
  const found = field(attributes, name);
  return typeof found === 'string' ? found : undefined;
}
