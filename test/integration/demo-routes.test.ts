import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../support/demo.js';

/** Every demo route over real HTTP, answered by the real SOAP stubs. */
let demo: RunningDemo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => {
  await demo?.close();
});

const problemBase = 'https://api.acme-mutual.example/problems/';

describe('GET /customers/{id}', () => {
  it('maps a customer with several addresses into the domain model', async () => {
    const { status, headers, body } = await demo.call('/customers/1');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(body).toEqual({
      id: '1',
      name: 'Margarethe Vogelsang',
      email: 'm.vogelsang@example.de',
      birthDate: '1962-03-14',
      status: 'active',
      creditLimit: '1500.00',
      addresses: [
        { street: 'Königsbrücker Straße 12', city: 'Dresden', postalCode: '01099', country: 'DE' },
        { street: 'Mariahilfer Straße 45', city: 'Wien', postalCode: '1060', country: 'AT' },
        { street: 'Seestraße 3', city: 'Konstanz', postalCode: '78464', country: 'DE' },
      ],
    });
  });

  it("declares the answer's length in UTF-8 bytes, not characters", async () => {
    const response = await fetch(`${demo.gateway.domainUrl}/customers/1`);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    // The umlauts and ß take two bytes each: a character count would cut the answer short.
    expect(bytes.toString('utf8').length).toBeLessThan(bytes.length);
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ id: '1', name: 'Margarethe Vogelsang' });
  });

  it('keeps a single address as a list and a nil e-mail as null', async () => {
    const { body } = await demo.call('/customers/2');
    expect(body['email']).toBeNull();
    expect(body['status']).toBe('inactive');
    expect(body['creditLimit']).toBe('250.50');
    expect(body['addresses']).toEqual([{ street: 'Lindenweg 7', city: 'München', postalCode: '80331', country: 'DE' }]);
  });

  it('gives a customer without addresses an empty list and maps status X to closed', async () => {
    const { body } = await demo.call('/customers/3');
    expect(body['addresses']).toEqual([]);
    expect(body['status']).toBe('closed');
  });

  it('keeps leading zeros of postal codes and unpads the id', async () => {
    const { body } = await demo.call('/customers/42');
    expect(body['id']).toBe('42');
    expect((body['addresses'] as Array<Record<string, string>>)[0]!['postalCode']).toBe('04109');
  });

  it('escapes and unescapes names with & and <', async () => {
    const { body } = await demo.call('/customers/7');
    expect(body['name']).toBe('Smith & Jones Ltd');
  });

  it('answers CUST_NOT_FOUND with a 404 problem', async () => {
    const { status, headers, body } = await demo.call('/customers/77');
    expect(status).toBe(404);
    expect(headers.get('content-type')).toBe('application/problem+json');
    expect(body).toEqual({
      type: `${problemBase}customer-not-found`,
      title: 'Customer not found',
      status: 404,
      detail: 'There is no customer 77.',
      instance: '/customers/77',
    });
  });

  it('answers SYSTEM_BUSY with a 503 problem and Retry-After', async () => {
    const { status, headers, body } = await demo.call('/customers/99999999');
    expect(status).toBe(503);
    expect(headers.get('retry-after')).toBe('5');
    expect(body['type']).toBe(`${problemBase}backend-busy`);
  });

  it('answers SYSTEM_BUSY for every route while the CRM is busy', async () => {
    demo.crm.setBusy(true);
    try {
      const { status } = await demo.call('/customers?name=a');
      expect(status).toBe(503);
    } finally {
      demo.crm.setBusy(false);
    }
  });

  it('refuses an invalid id with a 400 problem naming the parameter', async () => {
    for (const id of ['abc', '0', '123456789', '00000001']) {
      const { status, body } = await demo.call(`/customers/${id}`);
      expect(status, id).toBe(400);
      expect(body['type']).toBe(`${problemBase}invalid-request`);
      expect(body['errors']).toEqual([{ path: 'params.id', message: expect.stringContaining('must match') }]);
    }
  });
});

describe('GET /customers?name=&limit=', () => {
  it('searches with a wildcard and honours the limit', async () => {
    const all = await demo.call('/customers?name=*vog*');
    expect(all.status).toBe(200);
    expect((all.body['items'] as Array<{ id: string }>).map((customer) => customer.id)).toEqual(['1', '15', '23']);
    const limited = await demo.call('/customers?name=*vog*&limit=2');
    expect((limited.body['items'] as unknown[]).length).toBe(2);
  });

  it('answers no match with an empty list', async () => {
    const { status, body } = await demo.call('/customers?name=Nobody');
    expect(status).toBe(200);
    expect(body).toEqual({ items: [] });
  });

  it('refuses a missing name, a limit out of range and a repeated name', async () => {
    expect((await demo.call('/customers')).status).toBe(400);
    const outOfRange = await demo.call('/customers?name=a&limit=1000');
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body['errors']).toEqual([{ path: 'query.limit', message: expect.any(String) }]);
    expect((await demo.call('/customers?name=a&limit=ten')).status).toBe(400);
    expect((await demo.call('/customers?name=a&name=b')).status).toBe(400);
  });

  it("refuses a character XML cannot carry as the client's own mistake, naming the field, not the legacy element", async () => {
    const { status, body } = await demo.call('/customers?name=%00&limit=1');
    expect(status).toBe(400);
    expect(body['errors']).toEqual([{ path: 'query.name', message: 'contains U+0000, a character the backend system cannot receive' }]);
    expect(JSON.stringify(body)).not.toContain('NamePattern');
    // Found by the domain fuzz test: this was a 500 when the envelope was written.
    expect((await demo.call('/customers?name=a%EF%BF%BEb&limit=1')).status).toBe(400); // U+FFFE
  });
});

describe('PUT /customers/{id}/address', () => {
  const address = { street: 'Am Markt 1 & <Hof>', city: 'Leipzig', postalCode: '04109', country: 'DE' };
  const put = (id: string, body: unknown, contentType = 'application/json') =>
    demo.call(`/customers/${id}/address`, { method: 'PUT', headers: { 'content-type': contentType }, body: JSON.stringify(body) });

  it('refuses a control character in the body at its field', async () => {
    const { status, body } = await put('1', { ...address, street: 'Am Markt\u00011' });
    expect(status).toBe(400);
    expect(body['errors']).toEqual([{ path: 'body.street', message: 'contains U+0001, a character the backend system cannot receive' }]);
  });

  it('replaces the primary address, and a later GET shows it', async () => {
    const updated = await put('1', address);
    expect(updated.status).toBe(200);
    const addresses = updated.body['addresses'] as unknown[];
    expect(addresses[0]).toEqual(address);
    expect(addresses).toHaveLength(3);
    const later = await demo.call('/customers/1');
    expect((later.body['addresses'] as unknown[])[0]).toEqual(address);
  });

  it('adds the first address of a customer who has none', async () => {
    const { body } = await put('3', address);
    expect(body['addresses']).toEqual([address]);
  });

  it('refuses unknown fields, prototype keys, missing fields and bad values', async () => {
    const cases: unknown[] = [
      { ...address, extra: 1 },
      JSON.parse(`{"street":"a","city":"b","postalCode":"1234","country":"DE","__proto__":{"polluted":true}}`),
      { street: 'a', city: 'b', postalCode: '1234' },
      { ...address, country: 'Deutschland' },
      [],
      'text',
    ];
    for (const body of cases) {
      const response = await put('1', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body['type']).toBe(`${problemBase}invalid-request`);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses a body that is not JSON', async () => {
    const wrongType = await demo.call('/customers/1/address', { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(wrongType.status).toBe(415);
    const broken = await demo.call('/customers/1/address', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"street":' });
    expect(broken.status).toBe(400);
  });

  it('refuses a body over the size limit with 413', async () => {
    // Its own connection: the server closes it after answering early, mid-upload.
    const agent = new Agent();
    try {
      const response = await request(`${demo.gateway.domainUrl}/customers/1/address`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...address, street: 'x'.repeat(2 * 1024 * 1024) }),
        dispatcher: agent,
      });
      expect(response.statusCode).toBe(413);
      expect(((await response.body.json()) as Record<string, unknown>)['type']).toBe(`${problemBase}payload-too-large`);
    } finally {
      await agent.destroy();
    }
  });

  it('answers an unknown customer with 404', async () => {
    expect((await put('77', address)).status).toBe(404);
  });
});

describe('policies', () => {
  it('lists the policies of a customer', async () => {
    const { status, body } = await demo.call('/customers/1/policies');
    expect(status).toBe(200);
    const items = body['items'] as Array<Record<string, unknown>>;
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(items[0]).toEqual({
      policyNumber: 'P-000123',
      customerId: '1',
      product: 'home',
      status: 'active',
      startDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      premium: { amount: '123.45', currency: 'EUR' },
    });
  });

  it('gives a customer without policies an empty list', async () => {
    expect((await demo.call('/customers/3/policies')).body).toEqual({ items: [] });
  });

  it('gets one policy and maps the SOAP 1.2 Sender fault of an unknown one to 404', async () => {
    const found = await demo.call('/policies/P-000200');
    expect(found.status).toBe(200);
    expect((found.body['premium'] as Record<string, string>)['currency']).toBe('CHF');
    const missing = await demo.call('/policies/P-999998');
    expect(missing.status).toBe(404);
    expect(missing.body['type']).toBe(`${problemBase}policy-not-found`);
  });

  it('maps the SOAP 1.2 Receiver fault of a busy policy system to 503', async () => {
    const { status, headers } = await demo.call('/policies/P-999999');
    expect(status).toBe(503);
    expect(headers.get('retry-after')).toBe('5');
  });
});

describe('outside the routes', () => {
  it('answers an unknown path with a 404 problem and a wrong method with 405 and Allow', async () => {
    const unknown = await demo.call('/nowhere');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    const wrongMethod = await demo.call('/customers/1', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('returns the caller\'s request id, or a new one', async () => {
    const given = await demo.call('/customers/1', { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const problem = await demo.call('/customers/77', { headers: { 'x-request-id': 'abc-124' } });
    expect(problem.headers.get('x-request-id')).toBe('abc-124');
    const generated = await demo.call('/customers/1', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves liveness and readiness on the admin port', async () => {
    const response = await fetch(`${demo.gateway.adminUrl}/livez`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${demo.gateway.adminUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      config: { version: 1 },
      // The CRM may be ejected by now: earlier tests made it answer SYSTEM_BUSY several times in a row.
      upstreams: { crm: { endpoints: 1 }, policy: { status: 'up', endpoints: 1, available: 1 }, 'customer-service': { status: 'up' } },
    });
  });

  it('stays ready with one upstream down, and says which', async () => {
    const broken = await startDemo({ endpoints: { crm: ['http://127.0.0.1:9/crm'], policy: [demo.policy.url], 'customer-service': [demo.modern.url] } });
    try {
      for (let index = 0; index < 25; index++) await broken.call('/customers/1');
      const ready = await fetch(`${broken.gateway.adminUrl}/readyz`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { upstreams: Record<string, { status: string }> };
      expect(body.upstreams['crm']!.status).not.toBe('up');
      expect(body.upstreams['policy']!.status).toBe('up');
    } finally {
      await broken.close();
    }
  });
});
