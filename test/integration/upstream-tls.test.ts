import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/gateway.js';
import { makeTestCertificates, type TestCertificates } from '../support/certificates.js';
import { writeConfigFixture } from '../support/config-fixture.js';
import { customerXml, soap11 } from '../support/fake-upstream.js';

/**
 * TLS to an upstream with a custom CA and a client certificate (mutual TLS), against a real
 * `https` server on loopback that requires a client certificate signed by its CA. Certificates are
 * made for the test with openssl.
 */
let certs: TestCertificates;
let server: Server;
let origin: string;
const clients: string[] = [];

beforeAll(async () => {
  certs = makeTestCertificates();
  server = createServer(
    { key: readFileSync(certs.serverKey), cert: readFileSync(certs.serverCert), ca: readFileSync(certs.caCert), requestCert: true, rejectUnauthorized: true },
    (request, response) => {
      const peer = (request.socket as TLSSocket).getPeerCertificate();
      clients.push(String(peer.subject?.CN ?? ''));
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(soap11(customerXml())));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

async function statusWith(tls: string, env: Record<string, string> = {}): Promise<{ status: number; type: unknown }> {
  const gateway: RunningGateway = await startGateway({
    configPath: writeConfigFixture({ crmEndpoint: `${origin}/crm`, crmPolicy: [`tls: ${tls}`, 'retry: { maxAttempts: 1 }'] }),
    env: { ...process.env, ...env },
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    flagLog: 'memory',
    logger: pino({ level: 'silent' }),
  });
  try {
    const response = await fetch(`${gateway.domainUrl}/customers/5`);
    const body = (await response.json()) as Record<string, unknown>;
    return { status: response.status, type: body['type'] };
  } finally {
    await gateway.close();
  }
}

describe('mutual TLS to an upstream', () => {
  it('answers 200 with the custom CA and the client certificate, which the upstream sees', async () => {
    const before = clients.length;
    expect(await statusWith(`{ ca: ${certs.caCert}, cert: ${certs.clientCert}, key: ${certs.clientKey} }`)).toEqual({ status: 200, type: undefined });
    expect(clients.slice(before)).toEqual(['client']);
  });

  it('opens an encrypted client key with a passphrase from the environment', async () => {
    const tls = `{ ca: ${certs.caCert}, cert: ${certs.clientCert}, key: ${certs.clientKeyEncrypted}, passphrase: "\${FICUS_TEST_TLS_PASSPHRASE}" }`;
    expect((await statusWith(tls, { FICUS_TEST_TLS_PASSPHRASE: certs.encryptedKeyPassphrase })).status).toBe(200);
  });

  it('verifies the upstream against servername when given (SNI), and refuses a name the certificate lacks', async () => {
    expect((await statusWith(`{ ca: ${certs.caCert}, cert: ${certs.clientCert}, key: ${certs.clientKey}, servername: crm.test }`)).status).toBe(200);
    expect(await statusWith(`{ ca: ${certs.caCert}, cert: ${certs.clientCert}, key: ${certs.clientKey}, servername: evil.test }`)).toEqual({
      status: 502,
      type: 'urn:test:upstream-unreachable',
    });
  });

  it.each([
    ['without a client certificate', () => `{ ca: ${certs.caCert} }`],
    ['with a client certificate of another CA', () => `{ ca: ${certs.caCert}, cert: ${certs.otherClientCert}, key: ${certs.otherClientKey} }`],
    ['without the custom CA (the upstream is not trusted)', () => `{ cert: ${certs.clientCert}, key: ${certs.clientKey} }`],
    ['trusting only another CA', () => `{ ca: ${certs.otherCaCert}, cert: ${certs.clientCert}, key: ${certs.clientKey} }`],
  ])('fails cleanly %s: 502 upstream-unreachable', async (_name, tls) => {
    expect(await statusWith(tls())).toEqual({ status: 502, type: 'urn:test:upstream-unreachable' });
  });
});
