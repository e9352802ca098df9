import { createHash, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { buildEnvelope } from './envelope.js';
import type { SoapFault } from './fault.js';
import { envelopeNamespace, type SoapVersion } from './soap-version.js';
import type { XmlNode } from './xml-write.js';

/**
 * OASIS WS-Security 1.0 for requests to a legacy system: a UsernameToken (PasswordText, or
 * PasswordDigest with a nonce and a created time), a Timestamp, and an X.509 signature of the Body
 * (and the Timestamp) with xml-crypto, as the `soap` package does. The header is built as an
 * XmlNode tree, escaped by construction; only the signature is added to the finished envelope, by
 * xml-crypto's DOM. Each `envelope()` call has a fresh nonce, times and ids, so a retried call is
 * never a replay.
 */

export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const USERNAME_PROFILE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';
export const PASSWORD_TEXT = `${USERNAME_PROFILE}#PasswordText`;
export const PASSWORD_DIGEST = `${USERNAME_PROFILE}#PasswordDigest`;
const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';
const X509_V3 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';

const signatureAlgorithms = {
  'rsa-sha256': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'rsa-sha512': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'rsa-sha1': 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
} as const;

const digestAlgorithms = {
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
} as const;

export interface UsernameTokenOptions {
  readonly username: string;
  readonly password: string;
  /** `digest`: Base64(SHA-1(nonce + created + password)) travels instead of the password. */
  readonly type: 'digest' | 'text';
}

export interface X509SigningOptions {
  readonly privateKey: KeyObject;
  /** The signer's certificate, DER; sent as the BinarySecurityToken the signature refers to. */
  readonly certificate: Buffer;
  readonly signatureAlgorithm: keyof typeof signatureAlgorithms;
  readonly digestAlgorithm: keyof typeof digestAlgorithms;
}

export interface WsSecurityOptions {
  readonly usernameToken?: UsernameTokenOptions;
  /** Adds a Timestamp whose Expires is this many seconds after Created. */
  readonly timestampTtlSeconds?: number;
  readonly x509?: X509SigningOptions;
  /** `mustUnderstand="1"` on the Security header. */
  readonly mustUnderstand: boolean;
  /** For tests: the clock and the nonce source. */
  readonly now?: () => Date;
  readonly nonce?: () => Buffer;
}

/** The wsu:Ids of one envelope's Timestamp and BinarySecurityToken. */
interface SecurityIds {
  readonly timestamp: string;
  readonly token: string;
}

/** PasswordDigest = Base64(SHA-1(nonce bytes + Created + password)), from the UsernameToken profile. */
export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')])).digest('base64');
}

/**
 * The WS-Security policy of one upstream.
 *
 * @example
 * const security = new WsSecurity({ usernameToken: { username: 'gw', password, type: 'digest' }, timestampTtlSeconds: 300, mustUnderstand: true });
 * const xml = security.envelope('1.1', { name: 'GetCustomerDetails', ns: 'urn:acme:crm:v1', children: [...] });
 */
export class WsSecurity {
  readonly #token: UsernameTokenOptions | undefined;
  readonly #x509: X509SigningOptions | undefined;
  private readonly ttlSeconds: number | undefined;
  private readonly mustUnderstand: boolean;
  private readonly now: () => Date;
  private readonly nonce: () => Buffer;

  constructor(options: WsSecurityOptions) {
    this.#token = options.usernameToken;
    this.#x509 = options.x509;
    this.ttlSeconds = options.timestampTtlSeconds;
    this.mustUnderstand = options.mustUnderstand;
    this.now = options.now ?? (() => new Date());
    this.nonce = options.nonce ?? (() => randomBytes(16));
  }

  /** A request envelope around `body` with a fresh Security header, signed when X.509 is configured. */
  envelope(version: SoapVersion, body: XmlNode): string {
    const ids: SecurityIds = { timestamp: `TS-${randomUUID()}`, token: `X509-${randomUUID()}` };
    const xml = buildEnvelope(version, body, [this.header(version, ids)]);
    return this.#x509 ? sign(xml, version, this.#x509, ids, this.ttlSeconds !== undefined) : xml;
  }

  /** The `wsse:Security` header block, made afresh: nonce, Created and Expires are new each time. */
  private header(version: SoapVersion, ids: SecurityIds): XmlNode {
    const now = this.now();
    const children: XmlNode[] = [];
    if (this.ttlSeconds !== undefined) {
      const expires = new Date(now.getTime() + this.ttlSeconds * 1000);
      children.push({
        name: 'Timestamp',
        ns: WSU_NS,
        qualifiedAttributes: [{ ns: WSU_NS, name: 'Id', value: ids.timestamp }],
        children: [
          { name: 'Created', ns: WSU_NS, text: now.toISOString() },
          { name: 'Expires', ns: WSU_NS, text: expires.toISOString() },
        ],
      });
    }
    if (this.#x509) {
      children.push({
        name: 'BinarySecurityToken',
        ns: WSSE_NS,
        attributes: { EncodingType: BASE64_BINARY, ValueType: X509_V3 },
        qualifiedAttributes: [{ ns: WSU_NS, name: 'Id', value: ids.token }],
        text: this.#x509.certificate.toString('base64'),
      });
    }
    if (this.#token) children.push(usernameToken(this.#token, now.toISOString(), this.nonce()));
    return {
      name: 'Security',
      ns: WSSE_NS,
      qualifiedAttributes: this.mustUnderstand ? [{ ns: envelopeNamespace[version], name: 'mustUnderstand', value: '1' }] : [],
      children,
    };
  }

  toJSON(): string {
    return 'WsSecurity([redacted])';
  }
}

function usernameToken(token: UsernameTokenOptions, created: string, nonce: Buffer): XmlNode {
  const password =
    token.type === 'digest'
      ? { name: 'Password', ns: WSSE_NS, attributes: { Type: PASSWORD_DIGEST }, text: passwordDigest(nonce, created, token.password) }
      : { name: 'Password', ns: WSSE_NS, attributes: { Type: PASSWORD_TEXT }, text: token.password };
  return {
    name: 'UsernameToken',
    ns: WSSE_NS,
    children: [
      { name: 'Username', ns: WSSE_NS, text: token.username },
      password,
      { name: 'Nonce', ns: WSSE_NS, attributes: { EncodingType: BASE64_BINARY }, text: nonce.toString('base64') },
      { name: 'Created', ns: WSU_NS, text: created },
    ],
  };
}

/**
 * Signs the Body (and the Timestamp) with exclusive c14n, the signature appended to the Security
 * header and its KeyInfo referring to the BinarySecurityToken. xml-crypto gives the Body a wsu:Id.
 */
function sign(xml: string, version: SoapVersion, x509: X509SigningOptions, ids: SecurityIds, withTimestamp: boolean): string {
  const signer = new SignedXml({
    privateKey: x509.privateKey,
    signatureAlgorithm: signatureAlgorithms[x509.signatureAlgorithm],
    canonicalizationAlgorithm: EXC_C14N,
    idMode: 'wssecurity',
    // A constant made of our own ids: nothing from a request reaches it.
    getKeyInfoContent: () =>
      `<wsse:SecurityTokenReference xmlns:wsse="${WSSE_NS}"><wsse:Reference URI="#${ids.token}" ValueType="${X509_V3}"/></wsse:SecurityTokenReference>`,
  });
  const digestAlgorithm = digestAlgorithms[x509.digestAlgorithm];
  const envelopeNs = envelopeNamespace[version];
  signer.addReference({ xpath: `/*[local-name(.)='Envelope']/*[local-name(.)='Body' and namespace-uri(.)='${envelopeNs}']`, transforms: [EXC_C14N], digestAlgorithm });
  if (withTimestamp) {
    signer.addReference({ xpath: `//*[local-name(.)='Timestamp' and namespace-uri(.)='${WSU_NS}']`, transforms: [EXC_C14N], digestAlgorithm });
  }
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `//*[local-name(.)='Security' and namespace-uri(.)='${WSSE_NS}']`, action: 'append' },
  });
  return signer.getSignedXml();
}

/** The fault codes of WS-Security 1.0 (local names; qualified by the wsse namespace on the wire). */
const wsSecurityFaultCodes: ReadonlySet<string> = new Set([
  'UnsupportedSecurityToken', 'UnsupportedAlgorithm', 'InvalidSecurity', 'InvalidSecurityToken',
  'FailedAuthentication', 'FailedCheck', 'SecurityTokenUnavailable', 'MessageExpired',
]);

/**
 * A fault from the upstream's WS-Security layer: it refused the gateway's credentials or header.
 * The system is up, so it does not count against its health, and a retry would only repeat the
 * refusal (and could lock the account).
 */
export function isWsSecurityFault(fault: Pick<SoapFault, 'code' | 'subcodes'>): boolean {
  return wsSecurityFaultCodes.has(fault.code) || fault.subcodes.some((code) => wsSecurityFaultCodes.has(code));
}
