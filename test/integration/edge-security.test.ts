import { writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../src/gateway.js';
import { writeConfigFixture } from '../support/config-fixture.js';
import { customerXml, soap11, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { parseRawAnswer, rawRequest } from '../support/raw-http.js';

/**
 * The edge: the admin API's token, the domain API's limits (body, JSON depth, headers, rate, slow
 * clients), hostile JSON, and what of a request can (not) reach an upstream.
 */
const adminToken = 'edge-admin-token-0123456789';

/** A feature whose routes answer from a fake modern service once flipped, to see what reaches it. */
const probeMapping = `
feature: probe
types:
  Probe:
    unknownFields: strip
    fields:
      name: { type: string, maxLength: 100 }
      amount: decimal
      count: { type: integer, optional: true }
      nested: { type: Inner, optional: true }
  Inner:
    unknownFields: strip
    fields:
      note: { type: string, optional: true }
  StrictProbe:
    fields:
      name: string
  Thing:
    fields:
      id: string
routes:
  getThing:
    http: GET /things/{id}
    input: { params: { id: { type: string, maxLength: 300 } } }
    output: Thing
    legacy: { upstream: crm, operation: GetCustomerDetails, request: { CustNo: "00000001" }, response: { from: Customer, fields: { id: CustNo } } }
    modern: { upstream: customer-service, request: "GET /v2/things/{params.id}" }
  putProbe:
    http: PUT /probes/{id}
    input: { params: { id: { type: string, maxLength: 300 } }, body: Probe }
    output: Probe
    legacy: { upstream: crm, operation: GetCustomerDetails, request: { CustNo: "00000001" }, response: { from: Customer, fields: { id: CustNo } } }
    modern: { upstream: customer-service, request: "PUT /v2/probes/{params.id}", body: $body }
  putStrict:
    http: PUT /strict/{id}
    input: { params: { id: { type: string, maxLength: 300 } }, body: StrictProbe }
    output: StrictProbe
    legacy: { upstream: crm, operation: GetCustomerDetails, request: { CustNo: "00000001" }, response: { from: Customer, fields: { id: CustNo } } }
    modern: { upstream: customer-service, request: "PUT /v2/strict/{params.id}", body: $body }
`;

interface Seen {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let crm: FakeUpstream;
let modern: FakeUpstream;
let gateway: RunningGateway;
const seen: Seen[] = [];

/** A gateway over the demo's mappings plus the probe feature. */
async function start(limits: string, overrides: Partial<GatewayOptions> = {}): Promise<RunningGateway> {
  const configPath = writeConfigFixture({ crmEndpoint: crm.url, modernEndpoint: modern.url, limits });
  writeFileSync(join(dirname(configPath), 'mappings', 'probe.yaml'), probeMapping);
  return startGateway({
    configPath,
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    flagLog: 'memory',
    adminToken,
    logger: pino({ level: 'silent' }),
    ...overrides,
  });
}

beforeAll(async () => {
  [crm, modern] = await Promise.all([startFakeUpstream('/crm'), startFakeUpstream('')]);
  crm.respond((request, response, body) => {
    seen.push({ url: request.url ?? '', headers: request.headers, body });
    response.writeHead(200, { 'content-type': 'text/xml' }).end(soap11(customerXml()));
  });
  modern.respond((request, response, body) => {
    seen.push({ url: request.url ?? '', headers: request.headers, body });
    const answer = request.url?.startsWith('/v2/things/') ? { id: decodeURIComponent(request.url.slice('/v2/things/'.length)) } : JSON.parse(body || '{}');
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  gateway = await start(
    [
      'limits:',
      '  maxRequestBodyBytes: 4KiB',
      '  maxJsonDepth: 8',
      '  maxHeaderBytes: 4KiB',
      '  headersTimeoutMs: 400',
      '  requestTimeoutMs: 800',
      '  rateLimit: { requestsPerSecond: 5, burst: 5, clientHeader: x-test-client }',
    ].join('\n'),
  );
  for (const route of ['probe.getThing', 'probe.putProbe', 'probe.putStrict']) {
    const flip = await fetch(`${gateway.adminUrl}/admin/flags/${route}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stage: 'modern', reason: 'see what reaches the service' }),
    });
    expect(flip.status).toBe(200);
  }
});
afterAll(async () => {
  await gateway?.close();
  await Promise.all([crm?.close(), modern?.close()]);
});

let clients = 0;
/** Each call is its own rate-limit client unless told otherwise. */
async function call(path: string, init: RequestInit & { client?: string } = {}): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const headers = new Headers(init.headers);
  headers.set('x-test-client', init.client ?? `client-${++clients}`);
  const response = await fetch(gateway.domainUrl + path, { ...init, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const json = (method: string, body: unknown, extra: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json', ...extra },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('the admin API', () => {
  const admin = (path: string, token?: string) => fetch(gateway.adminUrl + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('answers /livez, /readyz and /metrics without a token', async () => {
    for (const path of ['/livez', '/readyz', '/metrics']) expect((await admin(path)).status, path).toBe(200);
  });

  it('needs the bearer token for every other path, known or not, and says so as a problem', async () => {
    for (const path of ['/admin/upstreams', '/admin/flags', '/admin/routes', '/admin/config', '/admin/shadow/customers.getCustomer', '/admin/nothing-here', '/livez/', '/LIVEZ', '/metrics/../admin/flags']) {
      const response = await admin(path);
      expect(response.status, path).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect((await admin(path, 'wrong-token')).status, path).toBe(401);
    }
    expect((await admin('/admin/upstreams', adminToken)).status).toBe(200);
    expect((await admin('/admin/nothing-here', adminToken)).status).toBe(404);
  });

  it('takes its public paths from gateway.yaml', async () => {
    const strict = await start('admin: { publicPaths: [/livez] }');
    try {
      expect((await fetch(`${strict.adminUrl}/livez`)).status).toBe(200);
      expect((await fetch(`${strict.adminUrl}/metrics`)).status).toBe(401);
    } finally {
      await strict.close();
    }
  });

  it('refuses to start on a non-loopback address without a token, saying what to do', async () => {
    await expect(start('', { adminHost: '0.0.0.0', adminToken: undefined })).rejects.toThrow(/refusing to start the admin API on 0\.0\.0\.0 without a token.*FICUS_ADMIN_TOKEN.*ADMIN_HOST=127\.0\.0\.1/);
    const withToken = await start('', { adminHost: '0.0.0.0' });
    await withToken.close();
  });
});

describe('limits on the domain API', () => {
  it('refuses a body over maxRequestBodyBytes with 413', async () => {
    const { status, body } = await call('/probes/1', json('PUT', { name: 'x'.repeat(5_000), amount: '1' }));
    expect(status).toBe(413);
    expect(body['type']).toBe('urn:test:payload-too-large');
  });

  it('refuses an oversized body sent in chunks, or on a GET, with 413 too', async () => {
    const chunk = 'x'.repeat(1_000);
    const chunked = await rawRequest(gateway.domainUrl, [
      'PUT /probes/1 HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n',
      ...Array.from({ length: 6 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`),
      '0\r\n\r\n',
    ]);
    expect(parseRawAnswer(chunked.text).status).toBe(413);
    const get = await rawRequest(gateway.domainUrl, [
      `GET /customers/5 HTTP/1.1\r\nhost: x\r\ncontent-length: 6000\r\nconnection: close\r\n\r\n${'x'.repeat(6_000)}`,
    ]);
    expect(parseRawAnswer(get.text).status).toBe(413);
  });

  it('refuses JSON nested deeper than maxJsonDepth with 400, before parsing', async () => {
    const deep = await call('/probes/1', json('PUT', `{"name":"a","amount":"1","nested":${'['.repeat(9)}${']'.repeat(9)}}`));
    expect(deep.status).toBe(400);
    expect(JSON.stringify(deep.body['errors'])).toMatch(/nested deeper than 8 levels/);
    const brackets = await call('/probes/1', json('PUT', '['.repeat(4_000)));
    expect(brackets.status).toBe(400);
    // Brackets inside strings do not count.
    expect((await call('/probes/1', json('PUT', { name: '[[[[[[[[[[{{{{{{{{{{', amount: '1' }))).status).toBe(200);
  });

  it('refuses headers over maxHeaderBytes with 431 problem+json', async () => {
    const answer = await rawRequest(gateway.domainUrl, [`GET /customers/5 HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(6_000)}\r\n\r\n`]);
    const { status, headers, body } = parseRawAnswer(answer.text);
    expect(status).toBe(431);
    expect(headers).toContain('content-type: application/problem+json');
    expect(body?.['type']).toBe('urn:test:request-header-fields-too-large');
  });

  it('answers a client over its rate with 429 and Retry-After, and serves other clients meanwhile', async () => {
    // Eight at once against a burst of five (refilling at 5/s): five pass, the rest wait.
    const statuses = (await Promise.all(Array.from({ length: 8 }, () => call('/customers/5', { client: 'greedy' })))).map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
    let refused = await call('/customers/5', { client: 'greedy' });
    for (let i = 0; i < 10 && refused.status !== 429; i++) refused = await call('/customers/5', { client: 'greedy' });
    expect(refused.status).toBe(429);
    expect(refused.body['type']).toBe('urn:test:too-many-requests');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('x-request-id')).toBeTruthy();
    expect((await call('/customers/5', { client: 'patient' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await call('/customers/5', { client: 'greedy' })).status).toBe(200);
  });

  it('cuts a client that sends its headers too slowly with 408 (slowloris)', async () => {
    const chunks = ['GET /customers/5 HTTP/1.1\r\n', 'host: x\r\n', ...Array.from({ length: 30 }, (_, i) => `x-drip-${i}: ${i}\r\n`)];
    const answer = await rawRequest(gateway.domainUrl, chunks, { gapMs: 50, waitMs: 3_000 });
    expect(parseRawAnswer(answer.text).status).toBe(408);
    expect(parseRawAnswer(answer.text).body?.['type']).toBe('urn:test:request-timeout');
    expect(answer.closed).toBe(true);
    expect(answer.ms).toBeLessThan(2_500);
  });

  it('cuts a client whose body never completes with 408', async () => {
    const head = 'PUT /probes/1 HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n';
    const answer = await rawRequest(gateway.domainUrl, [head, '{"name":'], { waitMs: 3_000 });
    expect(answer.closed).toBe(true);
    expect(answer.ms).toBeLessThan(2_500);
    expect(parseRawAnswer(answer.text)).toMatchObject({ status: 408, body: { type: 'urn:test:request-timeout' } });
  });
});

describe('hostile JSON', () => {
  it('cannot pollute a prototype with __proto__ or constructor, in a refusing or a stripping type', async () => {
    const strict = await call('/strict/1', json('PUT', '{"name":"a","__proto__":{"polluted":"yes"}}'));
    expect(strict.status).toBe(400);
    expect(JSON.stringify(strict.body['errors'])).toMatch(/unknown field\(s\): __proto__/);
    expect((await call('/strict/1', json('PUT', '{"name":"a","constructor":{"prototype":{"polluted":"yes"}}}'))).status).toBe(400);
    const before = seen.length;
    const stripped = await call('/probes/1', json('PUT', '{"name":"a","amount":"1.50","__proto__":{"polluted":"yes"},"nested":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}}'));
    expect(stripped.status).toBe(200);
    expect(stripped.body).toEqual({ name: 'a', amount: '1.50', nested: {} });
    expect(JSON.parse(seen[before]!.body)).toEqual({ name: 'a', amount: '1.50', nested: {} });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((await call('/customers/5?__proto__[polluted]=yes&constructor[prototype][polluted]=yes')).status).toBe(200);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses unknown fields where the type says reject, strips them where it says strip', async () => {
    expect((await call('/strict/1', json('PUT', { name: 'a', extra: 1 }))).status).toBe(400);
    const before = seen.length;
    expect((await call('/probes/1', json('PUT', { name: 'a', amount: '2', extra: 1 }))).status).toBe(200);
    expect(JSON.parse(seen[before]!.body)).toEqual({ name: 'a', amount: '2' });
  });

  it('refuses a JSON number where a decimal string is expected, and integers beyond the safe range', async () => {
    for (const body of ['{"name":"a","amount":12.5}', '{"name":"a","amount":1e400}', '{"name":"a","amount":"1","count":9007199254740993}', '{"name":"a","amount":"1","count":12345678901234567890}', '{"name":"a","amount":"1","count":1e400}', '{"name":"a","amount":"1","count":1.5}']) {
      expect((await call('/probes/1', json('PUT', body))).status, body).toBe(400);
    }
    const before = seen.length;
    const exact = '123456789012345678901234567890.123456789';
    expect((await call('/probes/1', json('PUT', { name: 'a', amount: exact, count: 9007199254740991 }))).status).toBe(200);
    expect(seen[before]!.body).toContain(`"amount":"${exact}"`);
    expect(seen[before]!.body).toContain('"count":9007199254740991');
  });
});

describe('what of a request reaches an upstream', () => {
  it('a path parameter is encoded: it cannot change which URL, host or path is called', async () => {
    const ids = ['../../admin', 'a/b', 'x?y=1', 'x#frag', '%2e%2e%2fadmin', '@evil.example', 'http://evil.example/', 'a b', '..;/x', '\\..\\x', 'ü'];
    for (const id of ids) {
      const before = seen.length;
      const { status, body } = await call(`/things/${encodeURIComponent(id)}`);
      expect(status, id).toBe(200);
      expect(seen[before]!.url, id).toBe(`/v2/things/${encodeURIComponent(id)}`);
      expect(seen[before]!.headers.host).toBe(new URL(modern.url).host);
      expect(body['id']).toBe(id);
    }
  });

  it('client headers are not forwarded: the SOAPAction is the WSDL one and CR/LF cannot reach a header', async () => {
    const before = seen.length;
    const headers = { soapaction: '"urn:evil/DropTable"', 'x-forwarded-host': 'evil.example', 'x-evil': 'yes', 'x-request-id': 'abc%0d%0aInjected:1' };
    const answer = await call('/customers/5', { headers });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-request-id')).not.toContain('Injected');
    const upstream = seen[before]!.headers;
    expect(upstream['soapaction']).toBe('"urn:acme:crm:v1/GetCustomerDetails"');
    expect(upstream['x-evil']).toBeUndefined();
    expect(upstream['x-forwarded-host']).toBeUndefined();
    expect(JSON.stringify(upstream)).not.toMatch(/evil|Injected/i);
    // A raw CR or LF inside a header value never gets past the HTTP parser.
    for (const value of ['a\rInjected: 1', 'a\nInjected: 1']) {
      const raw = await rawRequest(gateway.domainUrl, [`GET /customers/5 HTTP/1.1\r\nhost: x\r\nx-request-id: ${value}\r\n\r\n`]);
      expect(parseRawAnswer(raw.text).status, JSON.stringify(value)).toBe(400);
    }
    expect(seen.slice(before + 1).some((request) => JSON.stringify(request.headers).includes('Injected'))).toBe(false);
  });
});
