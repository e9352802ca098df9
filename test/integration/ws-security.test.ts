import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModernCustomerService, startSecureCustomerStub, type RunningModernService, type RunningSecureStub } from '../../legacy-stubs/index.js';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../src/gateway.js';
import { WsSecurity } from '../../src/soap/index.js';
import { hasXmlsec1, makeTestCertificates, xmlsec1Verifies, type TestCertificates } from '../support/certificates.js';
import { writeConfigFixture } from '../support/config-fixture.js';
import { customerXml, soap11, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { capturingLogger } from '../support/log-capture.js';

/**
 * WS-Security end to end: the gateway calls a CRM stub that requires a valid UsernameToken. The
 * right credentials answer 200, wrong ones end as the stub's wsse fault mapped to a problem, and
 * the password never shows up in a log, a problem, the admin API or a shadow sample.
 */
const password = 'Tr0ub4dor & <3 "quoted"';
const adminToken = 'ws-security-admin-token';
const logs = capturingLogger();
const seen: string[] = [];
let stub: RunningSecureStub;
let modern: RunningModernService;
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  [stub, modern] = await Promise.all([startSecureCustomerStub({ users: { 'ficus-gw': password } }), startModernCustomerService()]);
});
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
  await Promise.all([stub?.close(), modern?.close()]);
});

async function gatewayWith(security: readonly string[], env: Record<string, string> = {}, extra: Partial<GatewayOptions> = {}): Promise<RunningGateway> {
  const gateway = await startGateway({
    configPath: writeConfigFixture({ crmEndpoint: stub.url, modernEndpoint: modern.url, crmPolicy: security }),
    env: { ...process.env, ...env },
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    flagLog: 'memory',
    adminToken,
    logger: logs.logger,
    ...extra,
  });
  gateways.push(gateway);
  return gateway;
}

async function get(gateway: RunningGateway, path: string, init?: RequestInit, admin = false): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch((admin ? gateway.adminUrl : gateway.domainUrl) + path, init);
  const text = await response.text();
  seen.push(text, JSON.stringify([...response.headers]));
  return { status: response.status, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } };
}

const digestConfig = ['security:', '  usernameToken: { username: ficus-gw, password: "${FICUS_TEST_CRM_PASSWORD}", type: digest }', '  timestamp: { ttlSeconds: 300 }'];

describe('a CRM that requires a UsernameToken', () => {
  let digest: RunningGateway;
  beforeAll(async () => {
    digest = await gatewayWith(digestConfig, { FICUS_TEST_CRM_PASSWORD: password });
  });

  it('answers 200 through the gateway with a PasswordDigest', async () => {
    const accepted = stub.accepted;
    const { status, body } = await get(digest, '/customers/1');
    expect(status).toBe(200);
    expect(body['name']).toBe('Margarethe Vogelsang');
    expect(stub.accepted).toBe(accepted + 1);
  });

  it('answers 200 with a PasswordText read from a secret file', async () => {
    const fixture = writeConfigFixture();
    const secretFile = join(dirname(fixture), 'crm-password');
    writeFileSync(secretFile, `${password}\n`);
    const text = await gatewayWith(['security:', `  usernameToken: { username: ficus-gw, passwordFile: ${secretFile}, type: text }`]);
    const { status, body } = await get(text, '/customers/2');
    expect(status).toBe(200);
    expect(body['id']).toBe('2');
  });

  it('with a wrong password ends as the stub fault mapped to 502 upstream-fault, sent once, the breaker unmoved', async () => {
    const wrong = await gatewayWith(digestConfig, { FICUS_TEST_CRM_PASSWORD: 'not the password' });
    const refused = stub.refused.FailedAuthentication;
    const { status, body } = await get(wrong, '/customers/1');
    expect(status).toBe(502);
    expect(body['type']).toBe('urn:test:upstream-fault');
    expect(JSON.stringify(body)).not.toMatch(/wsse|FailedAuthentication|security token/i);
    // Not retried (a retry cannot fix a password and may lock the account), not counted against the CRM.
    expect(stub.refused.FailedAuthentication).toBe(refused + 1);
    const upstreams = (await get(wrong, '/admin/upstreams', { headers: { authorization: `Bearer ${adminToken}` } }, true)).body['upstreams'] as Record<string, { breakers: Record<string, { state: string; window: { failures: number } }> }>;
    expect(upstreams['crm']?.breakers['*']).toMatchObject({ state: 'closed', window: { failures: 0 } });
  });

  it('without WS-Security configured is refused by the stub (InvalidSecurity) and mapped the same way', async () => {
    const plain = await gatewayWith([]);
    const before = stub.refused.InvalidSecurity;
    expect((await get(plain, '/customers/1')).status).toBe(502);
    expect(stub.refused.InvalidSecurity).toBe(before + 1);
  });

  it('refuses a replayed envelope and an old Created (the stub checks nonces and time)', async () => {
    const send = (xml: string) =>
      fetch(stub.url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:acme:crm:v1/GetCustomerDetails"' }, body: xml });
    const request = { name: 'GetCustomerDetails', ns: 'urn:acme:crm:v1', children: [{ name: 'CustNo', text: '00000001' }] };
    const envelope = new WsSecurity({ usernameToken: { username: 'ficus-gw', password, type: 'digest' }, mustUnderstand: true }).envelope('1.1', request);
    expect((await send(envelope)).status).toBe(200);
    const replay = await send(envelope);
    expect(replay.status).toBe(500);
    expect(await replay.text()).toMatch(/wsse:FailedAuthentication/);
    const old = new WsSecurity({ usernameToken: { username: 'ficus-gw', password, type: 'digest' }, mustUnderstand: true, now: () => new Date(Date.now() - 3_600_000) });
    expect(await (await send(old.envelope('1.1', request))).text()).toMatch(/wsse:MessageExpired/);
  });

  it('never lets the password reach a log, a problem, the admin API or a shadow sample', async () => {
    const flip = await get(digest, '/admin/flags/customers.getCustomer', {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stage: 'shadow', reason: 'compare with secrets around' }),
    }, true);
    expect(flip.status).toBe(200);
    for (const id of ['1', '2', '3', '77', '99999999']) await get(digest, `/customers/${id}`);
    await expect.poll(async () => (await get(digest, '/admin/shadow/customers.getCustomer', { headers: { authorization: `Bearer ${adminToken}` } }, true)).body['mismatched'], { timeout: 5_000 }).toBeGreaterThan(0);
    for (const path of ['/admin/upstreams', '/admin/routes', '/admin/flags', '/admin/config', '/metrics', '/readyz']) {
      await get(digest, path, { headers: { authorization: `Bearer ${adminToken}` } }, true);
    }
    const everything = seen.join('\n') + logs.text() + JSON.stringify(digest.config.loaded.gateway);
    expect(logs.text().length).toBeGreaterThan(1_000);
    for (const form of [password, 'Tr0ub4dor', Buffer.from(password).toString('base64'), 'Tr0ub4dor &amp;']) expect(everything).not.toContain(form);
    expect(JSON.stringify(digest.config.loaded.gateway)).toContain('[redacted]');
  });
});

describe('what goes on the wire', () => {
  let fake: FakeUpstream;
  let certs: TestCertificates;
  const bodies: string[] = [];
  let gateway: RunningGateway;

  beforeAll(async () => {
    certs = makeTestCertificates();
    fake = await startFakeUpstream('/crm');
    gateway = await startGateway({
      configPath: writeConfigFixture({
        crmEndpoint: fake.url,
        crmPolicy: [
          'retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 }',
          'security:',
          '  usernameToken: { username: ficus-gw, password: "${FICUS_TEST_CRM_PASSWORD}" }',
          '  timestamp: { ttlSeconds: 60 }',
          `  x509: { key: ${certs.signerKeyEncrypted}, cert: ${certs.signerCert}, passphrase: "\${FICUS_TEST_KEY_PASSPHRASE}" }`,
        ],
      }),
      env: { ...process.env, FICUS_TEST_CRM_PASSWORD: password, FICUS_TEST_KEY_PASSPHRASE: certs.encryptedKeyPassphrase },
      host: '127.0.0.1',
      port: 0,
      adminPort: 0,
      flagLog: 'memory',
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await fake?.close();
  });

  it('gives a retried call a fresh nonce, Created and signature, each verifiable with the certificate', async () => {
    fake.respond((_request, response, body) => {
      bodies.push(body);
      if (bodies.length === 1) {
        response.writeHead(500, { 'content-type': 'text/xml' }).end(soap11('<soap:Fault><faultcode>soap:Server</faultcode><faultstring>busy</faultstring></soap:Fault>'));
      } else {
        response.writeHead(200, { 'content-type': 'text/xml' }).end(soap11(customerXml()));
      }
    });
    const response = await fetch(`${gateway.domainUrl}/customers/5`);
    expect(response.status).toBe(200);
    expect(bodies).toHaveLength(2);
    const nonces = bodies.map((body) => /<\w+:Nonce[^>]*>([^<]+)</.exec(body)?.[1]);
    expect(nonces[0]).toBeDefined();
    expect(nonces[0]).not.toBe(nonces[1]);
    for (const body of bodies) {
      expect(body).toMatch(/<\w+:Password Type="[^"]+#PasswordDigest">/);
      expect(body).toMatch(/<ds:Signature /);
      expect(body).not.toContain('Tr0ub4dor');
      if (hasXmlsec1()) expect(xmlsec1Verifies(body, certs.signerCert)).toBe(true);
    }
  });
});
