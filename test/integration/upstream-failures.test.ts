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
    ['10 000-deep nesting', () => answerXml(soap11(customerXml({}, '<a>'.repeat(10_000) + 'x' + '</a>'.repeat(10_000))).replace(/(<\/a>)+/, '</a>'.repeat(5)))],
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
    // Quadratic blowup: one long entity referenced thousands of times (never expanded: DTDs are refused).
    ['quadratic entity expansion', () =>
      answerXml(`<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "${'a'.repeat(20_000)}">]>` + soap11(customerXml({ CustName: '&a;'.repeat(10_000) })))],
    ['an internal entity declared without a DOCTYPE keyword trick (parameter entity)', () =>
      answerXml(`<!DOCTYPE q [<!ENTITY % p "<!ENTITY a 'x'>"> %p;]>` + soap11(customerXml({ CustName: '&a;' })))],
    ['thousands of numeric character references that decode to what the mapping refuses', () =>
      answerXml(soap11(customerXml({ CustNo: '&#48;'.repeat(5_000) + '&#65;', BirthDt: '&#x31;&#x39;&#x38;&#x30;'.repeat(2_000) })))],
    ['numeric character references to characters XML forbids', () => answerXml(soap11(customerXml({ CustName: '&#65;'.repeat(5_000) + '&#0;&#xFFFE;&#xD800;' })))],
    ['a numeric character reference beyond Unicode', () => answerXml(soap11(customerXml({ CustName: '&#x110000;' })))],
    ['a __proto__ element where the Customer is expected', () =>
      answerXml(soap11(customerXml().replace('<Customer>', '<__proto__>').replace('</Customer>', '</__proto__>')))],
    ['a constructor element where the response element is expected', () => answerXml(soap11('<constructor xmlns="urn:acme:crm:v1"><prototype><polluted>1</polluted></prototype></constructor>'))],
    ['two Customer elements where one is expected', () => answerXml(soap11(customerXml().replace('</GetCustomerDetailsResponse>', '<Customer><CustNo>00000006</CustNo></Customer></GetCustomerDetailsResponse>')))],
    ['the response element with a prefix bound to an unexpected URI', () =>
      answerXml(soap11(customerXml().replace('<GetCustomerDetailsResponse xmlns="urn:acme:crm:v1">', '<crm:GetCustomerDetailsResponse xmlns:crm="urn:acme:crm:v1:evil" xmlns="urn:acme:crm:v1">').replace('</GetCustomerDetailsResponse>', '</crm:GetCustomerDetailsResponse>')))],
    ['the envelope prefix bound to a URI that is not SOAP', () => answerXml(soap11(customerXml()).replaceAll('http://schemas.xmlsoap.org/soap/envelope/', 'urn:not-soap'))],
    ['the envelope prefix rebound inside the Body', () =>
      answerXml(soap11(`<soap:Wrapper xmlns:soap="urn:evil">${customerXml()}</soap:Wrapper>`))],
    ['an undeclared prefix', () => answerXml(soap11(customerXml().replace('<Customer>', '<x:Customer>').replace('</Customer>', '</x:Customer>')))],
  ];
  for (const [name, arrange] of cases) {
    it(name, async () => {
      arrange();
      const { status, body, ms } = await getCustomer();
      expect(status).toBe(502);
      expect(body['type']).toBe('urn:test:bad-upstream-reply');
      expect(JSON.stringify(body)).not.toMatch(/passwd|lol|urn:acme|xxe|polluted|evil/);
      expect(ms).toBeLessThan(2_000);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  }
});

describe('hostile replies that map, or fault, cleanly', () => {
  it('an extra __proto__ element (and attribute) is data like any unknown element: no pollution, the real values answer', async () => {
    answerXml(soap11(customerXml({}, '<__proto__ __proto__="x"><CustName>Evil</CustName><polluted>yes</polluted></__proto__><constructor><prototype><polluted>yes</polluted></prototype></constructor>')));
    const { status, body } = await getCustomer();
    expect(status).toBe(200);
    expect(body['name']).toBe('Test Person');
    expect(JSON.stringify(body)).not.toMatch(/Evil|polluted/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('CustName');
  });

  it('a fault inside HTTP 200 is a fault: a matching rule maps it, an unknown one is 502 upstream-fault', async () => {
    const fault = (code: string, errorCd: string) =>
      soap11(`<soap:Fault><faultcode>soap:${code}</faultcode><faultstring>ORA-00942 table CUSTMAST</faultstring><detail><CrmFault xmlns="urn:acme:crm:v1"><ErrorCd>${errorCd}</ErrorCd></CrmFault></detail></soap:Fault>`);
    answerXml(fault('Client', 'CUST_NOT_FOUND'), 200);
    const mapped = await getCustomer();
    expect(mapped.status).toBe(404);
    expect(mapped.body['type']).toBe('urn:test:customer-not-found');
    answerXml(fault('Server', 'SOMETHING_ODD'), 200);
    const unknown = await getCustomer();
    expect(unknown.status).toBe(502);
    expect(unknown.body['type']).toBe('urn:test:upstream-fault');
    expect(JSON.stringify([mapped.body, unknown.body])).not.toMatch(/ORA-|CUSTMAST|SOMETHING_ODD/);
  });

  it('thousands of valid numeric character references are decoded in bounded time', async () => {
    answerXml(soap11(customerXml({ CustName: '&#x41;&#66;'.repeat(5_000) })));
    const { status, body, ms } = await getCustomer();
    expect(status).toBe(200);
    expect(body['name']).toBe('AB'.repeat(5_000));
    expect(ms).toBeLessThan(2_000);
  });
});

describe('replies that would fill memory', () => {
  /** Streams `total` bytes of an envelope that never closes, respecting backpressure; counts what left. */
  function streamHuge(total: number, declareLength: boolean, sent: { bytes: number }): void {
    const chunk = Buffer.alloc(64 * 1024, ' ');
    upstream.respond((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/xml', ...(declareLength ? { 'content-length': String(total) } : {}) });
      response.write('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>');
      const pump = (): void => {
        while (sent.bytes < total && !response.destroyed) {
          sent.bytes += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        if (!response.destroyed) response.end();
      };
      response.on('error', () => undefined);
      pump();
    });
  }

  it.each([
    ['declared with Content-Length', true],
    ['chunked, no length', false],
  ])('a 100 MB body (%s) is cut at maxReplyBytes: 502 at once, memory bounded', async (_name, declared) => {
    const sent = { bytes: 0 };
    streamHuge(100 * 1024 * 1024, declared, sent);
    global.gc?.();
    const before = process.memoryUsage().rss;
    const { status, body, ms } = await getCustomer();
    const grown = process.memoryUsage().rss - before;
    expect(status).toBe(502);
    expect(body['type']).toBe('urn:test:bad-upstream-reply');
    expect(ms).toBeLessThan(2_000);
    // The gateway stops reading: far less than 100 MB ever leaves the upstream, and memory barely moves.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sent.bytes).toBeLessThan(20 * 1024 * 1024);
    expect(grown).toBeLessThan(30 * 1024 * 1024);
  });

  it('a body that never ends is cut at maxReplyBytes with 502, well before the deadline', async () => {
    const sent = { bytes: 0 };
    streamHuge(Number.POSITIVE_INFINITY, false, sent);
    const { status, body, ms } = await getCustomer();
    expect(status).toBe(502);
    expect(body['type']).toBe('urn:test:bad-upstream-reply');
    expect(ms).toBeLessThan(800);
  });
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
