import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/gateway.js';
import { signOverride } from '../../src/strangler/index.js';
import { writeConfigFixture } from '../support/config-fixture.js';
import { demoAdminToken, demoOverrideSecret, startDemo, type RunningDemo } from '../support/demo.js';
import { customerXml, soap11, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { captureLog, startTestGateway } from '../support/telemetry.js';

/**
 * One JSON log line per request, with no secret and no configured personal data in any line; the
 * request id and W3C trace context sent to every upstream call; spans exported over OTLP/HTTP.
 */

const clientTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const clientSpanId = '00f067aa0ba902b7';
const clientTraceparent = `00-${clientTraceId}-${clientSpanId}-01`;
const route = 'customers.getCustomer';

describe('request log lines', () => {
  const log = captureLog();
  let demo: RunningDemo;
  beforeAll(async () => {
    const configPath = writeConfigFixture({ extra: 'telemetry:\n  redact: [params.id, query.name]' });
    demo = await startDemo({ configPath, logger: log.logger });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('writes one line per request with its fields, and never a secret, an override or configured personal data', async () => {
    const override = signOverride(demoOverrideSecret, { target: 'modern', route, expires: Math.floor(Date.now() / 1000) + 60 });
    const forged = signOverride('not-the-secret', { target: 'modern', route, expires: Math.floor(Date.now() / 1000) + 60 });
    const answers = [
      await demo.call('/customers/7654321', {
        headers: { authorization: 'Bearer sekrit-token-xyz', 'x-request-id': 'req-abc-123', traceparent: clientTraceparent },
      }),
      await demo.call('/customers?name=*zqxpii*&limit=2'),
      await demo.call('/customers/1', { headers: { 'ficus-override': override } }),
      await demo.call('/customers/1', { headers: { 'ficus-override': forged } }),
      await demo.call('/nowhere'),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([404, 200, 200, 200, 404]);

    const requests = log.lines().filter((line) => line['msg'] === 'request');
    expect(requests).toHaveLength(answers.length);
    requests.forEach((line, index) => {
      expect(line['requestId']).toBe(answers[index]!.headers.get('x-request-id'));
      expect(line['traceId']).toMatch(/^[0-9a-f]{32}$/);
      expect(line).toMatchObject({ level: 30, service: 'ficus', method: 'GET' });
      expect(typeof line['ms']).toBe('number');
      expect(typeof line['attempts']).toBe('number');
    });
    expect(requests[0]).toMatchObject({
      requestId: 'req-abc-123',
      traceId: clientTraceId,
      route,
      target: 'legacy',
      status: 404,
      attempts: 1,
      input: { params: { id: '[redacted]' } },
    });
    expect(requests[1]).toMatchObject({ route: 'customers.searchCustomers', status: 200, input: { query: { name: '[redacted]', limit: '2' } } });
    expect(requests[2]).toMatchObject({ route, target: 'modern', attempts: 1 });
    expect(requests[3]).toMatchObject({ route, target: 'legacy' });
    expect(requests[4]).toMatchObject({ status: 404, attempts: 0 });
    expect(requests[4]).not.toHaveProperty('route');

    // The problem's cause is logged with the request's ids, its detail ("There is no customer …") is not.
    expect(log.lines().find((line) => line['msg'] !== 'request' && line['requestId'] === 'req-abc-123')).toMatchObject({
      traceId: clientTraceId,
      problem: 'customer-not-found',
    });

    const text = log.text();
    for (const secret of ['sekrit-token-xyz', override, forged, override.split('sig=')[1]!, '7654321', 'zqxpii']) expect(text).not.toContain(secret);
  });
});

describe('what every upstream call carries', () => {
  const log = captureLog();
  let crm: FakeUpstream;
  let modern: FakeUpstream;
  let gateway: RunningGateway;
  const received: Array<{ upstream: string; headers: IncomingHttpHeaders }> = [];
  beforeAll(async () => {
    [crm, modern] = await Promise.all([startFakeUpstream('/crm'), startFakeUpstream('')]);
    let failFirst = true;
    crm.respond((request, response) => {
      received.push({ upstream: 'crm', headers: request.headers });
      const fail = failFirst;
      failFirst = false;
      if (fail) response.writeHead(500, { 'content-type': 'text/xml' }).end(soap11('<soap:Fault><faultcode>soap:Server</faultcode><faultstring>x</faultstring></soap:Fault>'));
      else response.writeHead(200, { 'content-type': 'text/xml' }).end(soap11(customerXml()));
    });
    modern.respond((request, response) => {
      received.push({ upstream: 'modern', headers: request.headers });
      response.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    });
    const configPath = writeConfigFixture({
      crmEndpoint: crm.url,
      modernEndpoint: modern.url,
      crmPolicy: ['retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 1 }', 'outlierDetection: { enabled: false }'],
    });
    gateway = await startTestGateway(configPath, log.logger);
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([crm?.close(), modern?.close()]);
  });

  it("sends the request id and the client's trace context to every SOAP attempt, and logs the attempts", async () => {
    const response = await fetch(`${gateway.domainUrl}/customers/5`, { headers: { traceparent: clientTraceparent, tracestate: 'vendor=abc' } });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    expect(received).toHaveLength(2);
    for (const { headers } of received) {
      expect(headers['x-request-id']).toBe(requestId);
      // Tracing is off: the client's context passes through unchanged.
      expect(headers['traceparent']).toBe(clientTraceparent);
      expect(headers['tracestate']).toBe('vendor=abc');
    }
    expect(log.lines().find((line) => line['msg'] === 'request' && line['requestId'] === requestId)).toMatchObject({ traceId: clientTraceId, attempts: 2, status: 200 });
  });

  it('starts a trace when the client sent none, and sends it to modern (JSON) calls too', async () => {
    received.length = 0;
    const flip = await fetch(`${gateway.adminUrl}/admin/flags/${route}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${demoAdminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stage: 'modern', reason: 'test' }),
    });
    expect(flip.status).toBe(200);
    const response = await fetch(`${gateway.domainUrl}/customers/5`, { headers: { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' } });
    expect(response.status).toBe(404);
    expect(received).toHaveLength(1);
    const { headers } = received[0]!;
    expect(received[0]!.upstream).toBe('modern');
    expect(headers['x-request-id']).toBe(response.headers.get('x-request-id'));
    const traceparent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(headers['traceparent']));
    expect(traceparent).not.toBeNull();
    expect(traceparent![1]).not.toBe('0'.repeat(32));
    const line = log.lines().find((candidate) => candidate['msg'] === 'request' && candidate['requestId'] === response.headers.get('x-request-id'));
    expect(line).toMatchObject({ traceId: traceparent![1], target: 'modern', attempts: 1 });
  });
});

interface ExportedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: ReadonlyArray<{ key: string; value: { stringValue?: string; intValue?: number | string } }>;
}

describe('spans exported over OTLP/HTTP', () => {
  const spans: ExportedSpan[] = [];
  let collector: Server;
  let crm: FakeUpstream;
  let gateway: RunningGateway;
  let crmHeaders: IncomingHttpHeaders | undefined;
  beforeAll(async () => {
    collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/v1/traces') {
          const body = JSON.parse(Buffer.concat(chunks).toString()) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: ExportedSpan[] }> }> };
          for (const resource of body.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    crm = await startFakeUpstream('/crm');
    crm.respond((request, response) => {
      crmHeaders = request.headers;
      response.writeHead(200, { 'content-type': 'text/xml' }).end(soap11(customerXml()));
    });
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    gateway = await startTestGateway(writeConfigFixture({ crmEndpoint: crm.url, extra: `telemetry:\n  otlp:\n    endpoint: ${endpoint}\n    batchDelayMs: 50` }));
  });
  afterAll(async () => {
    await gateway?.close();
    await crm?.close();
    await new Promise((resolve) => collector?.close(resolve));
  });

  it('exports the request span with its upstream attempt and mapping spans as children, in the client’s trace', async () => {
    const response = await fetch(`${gateway.domainUrl}/customers/5`, { headers: { traceparent: clientTraceparent } });
    expect(response.status).toBe(200);
    await expect.poll(() => spans.filter((span) => span.traceId === clientTraceId).length, { timeout: 10_000, interval: 50 }).toBeGreaterThanOrEqual(4);

    const trace = spans.filter((span) => span.traceId === clientTraceId);
    const request = trace.find((span) => span.name === 'GET /customers/{id}');
    expect(request).toMatchObject({ kind: 2, parentSpanId: clientSpanId });
    expect(attribute(request!, 'ficus.route')).toBe(route);
    expect(attribute(request!, 'ficus.request_id')).toBe(response.headers.get('x-request-id'));
    expect(Number(attribute(request!, 'http.response.status_code'))).toBe(200);
    const attempt = trace.find((span) => span.name === 'crm GetCustomerDetails');
    expect(attempt).toMatchObject({ kind: 3, parentSpanId: request!.spanId });
    expect(attribute(attempt!, 'ficus.outcome')).toBe('ok');
    for (const name of ['mapping.request', 'mapping.reply']) expect(trace.find((span) => span.name === name)).toMatchObject({ kind: 1, parentSpanId: request!.spanId });

    // The upstream's caller is the attempt's span.
    expect(crmHeaders?.['traceparent']).toBe(`00-${clientTraceId}-${attempt!.spanId}-01`);
  });
});

function attribute(span: ExportedSpan, key: string): string | number | undefined {
  const value = span.attributes.find((candidate) => candidate.key === key)?.value;
  return value?.stringValue ?? value?.intValue;
}
