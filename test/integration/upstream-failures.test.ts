import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/gateway.js';
import { writeConfigFixture } from '../support/config-fixture.js';
import { customerXml, soap11, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

/**
 * Whatever a broken or hostile legacy system sends, the client gets a clean problem within the
 * deadline, and the gateway keeps serving.
 */
let upstream: FakeUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream('/crm');
  gateway = await startGateway({
    configPath: writeConfigFixture({
      crmEndpoint: upstream.url,
      crmTimeoutMs: 800,
      // Every case here breaks the upstream on purpose; an open breaker would answer 503 instead.
      crmPolicy: ['breaker: { enabled: false }'],
      limits: 'limits: { maxReplyBytes: 64KiB, maxReplyDepth: 32 }',
    }),
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    logger: pino({ level: 'silent' }),
  });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

async function getCustomer(): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${gateway.domainUrl}/customers/5`);
  const body = (await response.json()) as Record<string, unknown>;
  expect(response.headers.get('content-type')).toMatch(/json/);
  return { status: response.status, body, ms: performance.now() - started };
}

function answerXml(xml: string, status = 200, contentType = 'text/xml; charset=utf-8') {
  upstream.respond((_request, response) => response.writeHead(status, { 'content-type': contentType }).end(xml));
}

describe('a healthy reply through the fake upstream', () => {
  it('is mapped (the baseline the broken cases differ from)', async () => {
    answerXml(soap11(customerXml()));
    const { status, body } = await getCustomer();
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: '5', name: 'Test Person', addresses: [] });
  });

  it('sends a SOAP 1.1 request with the WSDL action and an escaped, padded body', async () => {
    let seen: { headers: Record<string, unknown>; body: string } | undefined;
    upstream.respond((request, response, body) => {
      seen = { headers: request.headers, body };
      response.writeHead(200, { 'content-type': 'text/xml' }).end(soap11(customerXml()));
    });
    await getCustomer();
    expect(seen?.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(seen?.headers['soapaction']).toBe('"urn:acme:crm:v1/GetCustomerDetails"');
    expect(seen?.body).toContain('http://schemas.xmlsoap.org/soap/envelope/');
    expect(seen?.body).toMatch(/<(\w+:)?CustNo>00000005<\/(\w+:)?CustNo>/);
  });
});

describe('replies that break the contract become 502 bad-upstream-reply', () => {
  const cases: Array<[string, () => void]> = [
    ['not XML at all', () => answerXml('this is not xml')],
    ['an HTML error page', () => answerXml('<html><body>Internal error</body></html>', 500, 'text/html')],
    ['a truncated envelope', () => answerXml(soap11(customerXml()).slice(0, 200))],
    ['a SOAP 1.2 envelope from a SOAP 1.1 system', () =>
      answerXml(`<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>${customerXml()}</env:Body></env:Envelope>`)],
    ['a DOCTYPE with an external entity (XXE)', () =>
      answerXml(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + soap11(customerXml({ CustName: '&xxe;' })))],
    ['billion laughs', () =>
      answerXml(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>` + soap11(customerXml({ CustName: '&lol2;' })))],
    ['nesting deeper than the limit', () => answerXml(soap11(customerXml({}, '<a>'.repeat(1_000) + '</a>'.repeat(1_000))))],
    ['a reply larger than maxReplyBytes', () => answerXml(soap11(customerXml({ CustName: 'x'.repeat(100 * 1024) })))],
    ['the wrong response element', () => answerXml(soap11('<SearchCustomersResponse xmlns="urn:acme:crm:v1"><RowCount>0</RowCount></SearchCustomersResponse>'))],
    ['the right name in another namespace', () => answerXml(soap11(customerXml().replace('urn:acme:crm:v1', 'urn:evil')))],
    ['a duplicated element where one is expected', () => answerXml(soap11(customerXml({}, '<CustNo>00000006</CustNo>')))],
    ['an unknown status code', () => answerXml(soap11(customerXml({ StatusCd: 'Q' })))],
    ['an impossible date', () => answerXml(soap11(customerXml({ BirthDt: '19800231' })))],
    ['a credit limit that is not a decimal', () => answerXml(soap11(customerXml({ CreditLmt: '1,500.00' })))],
    ['a missing required field', () => answerXml(soap11(customerXml().replace(/<CustName>.*<\/CustName>/, '')))],
    ['an empty body', () => answerXml(soap11(''))],
    ['HTTP 500 with a valid non-fault envelope', () => answerXml(soap11(customerXml()), 500)],
    ['invalid UTF-8', () => upstream.respond((_q, response) => response.writeHead(200, { 'content-type': 'text/xml' }).end(Buffer.concat([Buffer.from(soap11(customerXml()).slice(0, 150)), Buffer.from([0xc3, 0x28]), Buffer.from(soap11(customerXml()).slice(150))])))],
  ];
  for (const [name, arrange] of cases) {
    it(name, async () => {
      arrange();
      const { status, body } = await getCustomer();
      expect(status).toBe(502);
      expect(body['type']).toBe('urn:test:bad-upstream-reply');
      expect(JSON.stringify(body)).not.toMatch(/passwd|lol|urn:acme|xxe/);
    });
  }
});

describe('faults without a rule', () => {
  it('become 502 upstream-fault without the legacy text', async () => {
    answerXml(
      soap11(
        '<soap:Fault><faultcode>soap:Client</faultcode><faultstring>ORA-01403: no data found in CUSTMAST</faultstring><detail><CrmFault xmlns="urn:acme:crm:v1"><ErrorCd>ODD_ERROR</ErrorCd></CrmFault></detail></soap:Fault>',
      ),
      500,
    );
    const { status, body } = await getCustomer();
    expect(status).toBe(502);
    expect(body['type']).toBe('urn:test:upstream-fault');
    expect(JSON.stringify(body)).not.toMatch(/ORA-|CUSTMAST|ODD_ERROR/);
  });
});

describe('network failures', () => {
  it('a hung upstream is cut at the deadline with 504, and its connection is closed', async () => {
    const before = upstream.abandoned;
    upstream.respond(() => undefined);
    const { status, body, ms } = await getCustomer();
    expect(status).toBe(504);
    expect(body['type']).toBe('urn:test:upstream-timeout');
    expect(ms).toBeLessThan(3_000);
    await expect.poll(() => upstream.abandoned, { timeout: 2_000 }).toBe(before + 1);
  });

  it('a reply that starts and never ends is cut at the deadline with 504', async () => {
    upstream.respond((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.write('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>');
    });
    expect((await getCustomer()).status).toBe(504);
  });

  it('a connection reset becomes 502 upstream-unreachable', async () => {
    upstream.respond((request) => request.socket.destroy());
    const { status, body } = await getCustomer();
    expect(status).toBe(502);
    expect(body['type']).toBe('urn:test:upstream-unreachable');
  });

  it('the gateway keeps serving after all of the above', async () => {
    answerXml(soap11(customerXml()));
    expect((await getCustomer()).status).toBe(200);
  });
});

describe('an upstream nobody listens on', () => {
  it('becomes 502 upstream-unreachable', async () => {
    const unreachable = await startGateway({
      configPath: writeConfigFixture({ crmEndpoint: 'http://127.0.0.1:9/crm' }),
      host: '127.0.0.1',
      port: 0,
      adminPort: 0,
      logger: pino({ level: 'silent' }),
    });
    try {
      const response = await fetch(`${unreachable.domainUrl}/customers/5`);
      expect(response.status).toBe(502);
      expect(((await response.json()) as Record<string, unknown>)['type']).toBe('urn:test:upstream-unreachable');
    } finally {
      await unreachable.close();
    }
  });
});
