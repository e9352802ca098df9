import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignedXml } from 'xml-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsernameTokenVerifier } from '../../../legacy-stubs/index.js';
import {
  attributeNS, childrenNamed, envelopeNamespace, isWsSecurityFault, parseXml, passwordDigest, PASSWORD_DIGEST, PASSWORD_TEXT, WsSecurity, WSSE_NS, WSU_NS,
  type WsSecurityOptions, type XmlElement,
} from '../../../src/soap/index.js';
import { hasXmlsec1, makeTestCertificates, xmlsec1Verifies, type TestCertificates } from '../../support/certificates.js';

const body = { name: 'GetCustomerDetails', ns: 'urn:acme:crm:v1', children: [{ name: 'CustNo', text: '00000001' }] };
const at = new Date('2026-11-29T12:00:00.000Z');

function securityOf(xml: string, version: '1.1' | '1.2' = '1.1'): XmlElement {
  const root = parseXml(xml);
  const header = childrenNamed(root, 'Header', envelopeNamespace[version])[0]!;
  return childrenNamed(header, 'Security', WSSE_NS)[0]!;
}
const child = (element: XmlElement, name: string, ns = WSSE_NS): XmlElement => childrenNamed(element, name, ns)[0]!;

function security(options: Partial<WsSecurityOptions>): WsSecurity {
  return new WsSecurity({ mustUnderstand: true, ...options });
}

describe('PasswordDigest', () => {
  it('is Base64(SHA-1(nonce + created + password)) (vector computed with Python hashlib)', () => {
    const nonce = Buffer.from('WScqanjCEAC4mQoBE07sAQ==', 'base64');
    expect(passwordDigest(nonce, '2003-07-16T01:24:32Z', 'IloveDogs')).toBe('cywFYG+KaPMK3PCWR+m+DWtqzac=');
  });

  it('travels instead of the password, with a fresh 16-byte nonce and Created, and a server accepts it', () => {
    const wss = security({ usernameToken: { username: 'gw', password: 'correct horse', type: 'digest' } });
    const xml = wss.envelope('1.1', body);
    expect(xml).not.toContain('correct horse');
    const token = child(securityOf(xml), 'UsernameToken');
    const password = child(token, 'Password');
    expect(password.attributes['Type']).toBe(PASSWORD_DIGEST);
    const nonce = Buffer.from(child(token, 'Nonce').text, 'base64');
    expect(nonce).toHaveLength(16);
    const created = child(token, 'Created', WSU_NS).text;
    expect(password.text).toBe(passwordDigest(nonce, created, 'correct horse'));
    const verifier = new UsernameTokenVerifier({ users: { gw: 'correct horse' } });
    expect(verifier.verify(securityObject(token))).toEqual({ ok: true, username: 'gw' });
  });

  it('has a new nonce for every envelope, so a retry is never a replay', () => {
    const wss = security({ usernameToken: { username: 'gw', password: 'pw', type: 'digest' } });
    const nonces = new Set(Array.from({ length: 20 }, () => child(child(securityOf(wss.envelope('1.1', body)), 'UsernameToken'), 'Nonce').text));
    expect(nonces.size).toBe(20);
  });
});

describe('the Security header', () => {
  it('carries PasswordText when asked, and escapes every value by construction', () => {
    const wss = security({ usernameToken: { username: 'a&b <c>"', password: 'p<w>&"\'', type: 'text' } });
    const xml = wss.envelope('1.1', body);
    expect(xml).toContain('a&amp;b &lt;c&gt;&quot;');
    const token = child(securityOf(xml), 'UsernameToken');
    expect(child(token, 'Username').text).toBe('a&b <c>"');
    expect(child(token, 'Password').text).toBe('p<w>&"\'');
    expect(child(token, 'Password').attributes['Type']).toBe(PASSWORD_TEXT);
  });

  it('has a Timestamp whose Expires is ttlSeconds after Created, and mustUnderstand in the envelope namespace', () => {
    for (const version of ['1.1', '1.2'] as const) {
      const wss = security({ timestampTtlSeconds: 300, now: () => at });
      const header = securityOf(wss.envelope(version, body), version);
      expect(attributeNS(header, envelopeNamespace[version], 'mustUnderstand')).toBe('1');
      const timestamp = child(header, 'Timestamp', WSU_NS);
      expect(child(timestamp, 'Created', WSU_NS).text).toBe('2026-11-29T12:00:00.000Z');
      expect(child(timestamp, 'Expires', WSU_NS).text).toBe('2026-11-29T12:05:00.000Z');
      expect(attributeNS(timestamp, WSU_NS, 'Id')).toMatch(/^TS-/);
    }
  });

  it('leaves out mustUnderstand when configured so', () => {
    const header = securityOf(security({ timestampTtlSeconds: 60, mustUnderstand: false }).envelope('1.1', body));
    expect(attributeNS(header, envelopeNamespace['1.1'], 'mustUnderstand')).toBeUndefined();
  });

  it('never shows the password when the policy object is logged', () => {
    const wss = security({ usernameToken: { username: 'gw', password: 'hunter2', type: 'text' } });
    expect(JSON.stringify({ wss })).not.toContain('hunter2');
    expect(String(Object.values(wss))).not.toContain('hunter2');
  });
});

describe('the stub-side UsernameToken check', () => {
  const users = { gw: 'pw' };
  const tokenAt = (when: Date, password = 'pw', nonce = () => Buffer.alloc(16, 7)) =>
    securityObject(child(securityOf(security({ usernameToken: { username: 'gw', password, type: 'digest' }, now: () => when, nonce }).envelope('1.1', body)), 'UsernameToken'));

  it('refuses a wrong password, a replayed nonce, an old Created, and a missing token', () => {
    const verifier = new UsernameTokenVerifier({ users });
    const now = Date.now();
    expect(verifier.verify(tokenAt(new Date(now), 'wrong'), now)).toMatchObject({ ok: false, code: 'FailedAuthentication' });
    expect(verifier.verify(tokenAt(new Date(now)), now)).toMatchObject({ ok: true });
    expect(verifier.verify(tokenAt(new Date(now)), now)).toMatchObject({ ok: false, code: 'FailedAuthentication', reason: expect.stringMatching(/replay/) });
    expect(verifier.verify(tokenAt(new Date(now - 10 * 60_000), 'pw', () => Buffer.alloc(16, 8)), now)).toMatchObject({ ok: false, code: 'MessageExpired' });
    expect(verifier.verify(undefined, now)).toMatchObject({ ok: false, code: 'InvalidSecurity' });
  });

  it('treats an unknown user like a wrong password', () => {
    const verifier = new UsernameTokenVerifier({ users: { someone: 'pw' } });
    expect(verifier.verify(tokenAt(new Date()))).toMatchObject({ ok: false, code: 'FailedAuthentication' });
  });
});

describe('WS-Security faults', () => {
  it('are recognised by their code (1.1) or subcode (1.2)', () => {
    expect(isWsSecurityFault({ code: 'FailedAuthentication', subcodes: [] })).toBe(true);
    expect(isWsSecurityFault({ code: 'Sender', subcodes: ['InvalidSecurity'] })).toBe(true);
    expect(isWsSecurityFault({ code: 'Client', subcodes: [] })).toBe(false);
  });
});

describe('X.509 signing', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = makeTestCertificates();
  });

  function signer(options: Partial<WsSecurityOptions> = {}): WsSecurity {
    return security({
      timestampTtlSeconds: 300,
      usernameToken: { username: 'gw', password: 'pw', type: 'digest' },
      x509: {
        privateKey: createPrivateKey({ key: readFileSync(certs.signerKeyEncrypted), passphrase: certs.encryptedKeyPassphrase }),
        certificate: new X509Certificate(readFileSync(certs.signerCert)).raw,
        signatureAlgorithm: 'rsa-sha256',
        digestAlgorithm: 'sha256',
      },
      ...options,
    });
  }

  it('signs the Body and the Timestamp; xml-crypto verifies it with the certificate, and finds any tampering', () => {
    for (const version of ['1.1', '1.2'] as const) {
      const xml = signer().envelope(version, body);
      const references = [...xml.matchAll(/<ds:Reference URI="#([^"]+)"/g)].map((match) => match[1]);
      expect(references).toHaveLength(2);
      expect(xml).toMatch(new RegExp(`<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>`));
      expect(xmlCryptoVerifies(xml, certs.pem(certs.signerCert))).toBe(true);
      expect(xmlCryptoVerifies(xml.replace('00000001', '00000002'), certs.pem(certs.signerCert))).toBe(false);
      expect(xmlCryptoVerifies(xml.replace(/(<\w+:Expires>)2/, '$13'), certs.pem(certs.signerCert))).toBe(false);
    }
  });

  it('sends the certificate as a BinarySecurityToken that the signature refers to', () => {
    const xml = signer().envelope('1.1', body);
    const token = child(securityOf(xml), 'BinarySecurityToken');
    const id = attributeNS(token, WSU_NS, 'Id');
    expect(xml).toContain(`<wsse:Reference URI="#${id}"`);
    expect(new X509Certificate(Buffer.from(token.text, 'base64')).subject).toContain('ficus-signer');
  });

  it.skipIf(!hasXmlsec1())('is verified by an independent implementation (Debian xmlsec1), and tampering is found', () => {
    for (const version of ['1.1', '1.2'] as const) {
      const xml = signer().envelope(version, body);
      expect(xmlsec1Verifies(xml, certs.signerCert)).toBe(true);
      expect(xmlsec1Verifies(xml.replace('00000001', '00000009'), certs.signerCert)).toBe(false);
    }
  });
});

/** The Security header as node-soap hands it to a service: names without prefixes, text or { attributes, $value }. */
function securityObject(token: XmlElement): Record<string, unknown> {
  const convert = (element: XmlElement): unknown => {
    if (element.children.length === 0) {
      return Object.keys(element.attributes).length > 0 ? { attributes: element.attributes, $value: element.text } : element.text;
    }
    return Object.fromEntries(element.children.map((item) => [item.name, convert(item)]));
  };
  return { UsernameToken: convert(token) };
}

function xmlCryptoVerifies(xml: string, certificatePem: string): boolean {
  const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(xml)?.[0];
  if (!signature) return false;
  const verifier = new SignedXml({ publicCert: certificatePem, idMode: 'wssecurity', getCertFromKeyInfo: () => null });
  verifier.loadSignature(signature);
  try {
    return verifier.checkSignature(xml);
  } catch {
    return false;
  }
}
