import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../support/demo.js';

/**
 * Random and hostile requests into the domain API over HTTP, against the demo and its real stubs:
 * whatever a client sends, the gateway answers within a few seconds with JSON or problem+json,
 * never 500, and a 5xx only as the documented 502/503/504.
 */
let demo: RunningDemo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => {
  await demo?.close();
});

const hostileText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('..', '../..', '%', '%00', '\u0000', '__proto__', 'constructor', '<x>&amp;', '1e400', '-0', '00000001', '99999999', '77', '1', 'P-000123', '😀', ' ', '*', '\r\n'),
);

/** JSON with the keys and numbers that hurt: prototype keys, huge and precise numbers, deep values. */
const hostileJson = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(9007199254740993, 1e308, -0, 0.1, 123456789012345678901234567890),
    hostileText,
    fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'street', 'city', 'postalCode', 'country', 'note'), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 5 }),
  ),
})).value;

const addressLike = fc.record(
  { street: hostileText, city: hostileText, postalCode: fc.oneof(fc.constant('04109'), hostileText), country: fc.oneof(fc.constant('DE'), hostileText) },
  { requiredKeys: [] },
);

const segment = hostileText.map((text) => encodeURIComponent(text));
const path = fc.oneof(
  segment.map((id) => `/customers/${id}`),
  segment.map((id) => `/customers/${id}/address`),
  segment.map((id) => `/customers/${id}/policies`),
  segment.map((id) => `/policies/${id}`),
  fc.tuple(segment, segment).map(([name, limit]) => `/customers?name=${name}&limit=${limit}`),
  fc.tuple(segment, segment).map(([key, value]) => `/customers/1?${key}=${value}`),
  segment.filter((rest) => !rest.startsWith('docs')).map((rest) => `/${rest}`),
);

const request = fc.record({
  method: fc.constantFrom('GET', 'PUT', 'POST', 'PATCH', 'DELETE'),
  path,
  body: fc.option(fc.oneof(hostileJson.map((value) => JSON.stringify(value) ?? 'null'), addressLike.map((value) => JSON.stringify(value)), fc.string({ maxLength: 40 })), { nil: undefined }),
  contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/merge-patch+json', 'text/plain', undefined),
  requestId: fc.option(hostileText.filter((text) => /^[\t\x20-\x7e]*$/.test(text)), { nil: undefined }),
});

describe('random requests into the domain API', () => {
  it('never crash, hang or answer 500; 5xx only as 502/503/504', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, body, contentType, requestId }) => {
        const headers: Record<string, string> = {};
        if (contentType) headers['content-type'] = contentType;
        if (requestId !== undefined) headers['x-request-id'] = requestId;
        const response = await fetch(demo.gateway.domainUrl + path, {
          method,
          headers,
          body: method === 'GET' || method === 'DELETE' ? undefined : body,
          signal: AbortSignal.timeout(5_000),
        });
        const text = await response.text();
        const where = `${method} ${path} -> ${response.status} ${text.slice(0, 200)}`;
        expect(response.status, where).not.toBe(500);
        if (response.status >= 500) expect([502, 503, 504], where).toContain(response.status);
        expect(response.headers.get('content-type') ?? '', where).toMatch(/^application\/(problem\+)?json/);
        expect(() => JSON.parse(text), where).not.toThrow();
        expect(({} as Record<string, unknown>)['polluted'], where).toBeUndefined();
      }),
      { numRuns: 250 },
    );
  });

  it('the gateway still serves a normal request afterwards', async () => {
    expect((await demo.call('/customers/1')).status).toBe(200);
  });
});
