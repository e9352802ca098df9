import { describe, expect, it } from 'vitest';
import { canaryBucket, inCanary, signOverride } from '../../src/strangler/index.js';
import { demoAdminToken, demoOverrideSecret, flip, startDemo, useDemo } from '../support/demo.js';

/** Strangler-fig routing end to end: real gateway, real SOAP stubs, the real modern service. */
const route = 'customers.getCustomer';

describe('flags and targets', () => {
  const demo = useDemo();

  it('routes to legacy by default and says so in Ficus-Target', async () => {
    const { status, headers, body } = await demo.call('/customers/23');
    expect(status).toBe(200);
    expect(headers.get('ficus-target')).toBe('legacy');
    expect(body['name']).toBe('Kurt Vogel <Nachlass>');
  });

  it('moves a route to modern at once, without restart, and maps the modern JSON to the same domain model', async () => {
    expect((await flip(demo, route, { stage: 'modern' }, 'modern is ready')).status).toBe(200);
    const { headers, body } = await demo.call('/customers/23');
    expect(headers.get('ficus-target')).toBe('modern');
    expect(body).toMatchObject({ id: '23', name: 'Kurt Vogel', status: 'inactive', birthDate: '1930-05-05', creditLimit: '0.10' });
    const missing = await demo.call('/customers/77');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('ficus-target')).toBe('modern');
    expect(missing.body['type']).toMatch(/customer-not-found$/);
  });

  it('keeps canary assignment sticky per customer id', async () => {
    await flip(demo, route, { stage: 'canary', percent: 50 }, 'half');
    const ids = ['1', '2', '3', '7', '15', '23', '42'];
    const first = await Promise.all(ids.map(async (id) => (await demo.call(`/customers/${id}`)).headers.get('ficus-target')));
    // The customer id is the sticky key: each id lands in its own bucket of this route, and at 50 % both targets answer.
    expect(first).toEqual(ids.map((id) => (inCanary(canaryBucket(route, id), 50) ? 'modern' : 'legacy')));
    expect(new Set(first)).toEqual(new Set(['legacy', 'modern']));
    for (let round = 0; round < 3; round++) {
      const again = await Promise.all(ids.map(async (id) => (await demo.call(`/customers/${id}`)).headers.get('ficus-target')));
      expect(again).toEqual(first);
    }
    await flip(demo, route, { stage: 'canary', percent: 100 }, 'all');
    for (const id of ids) expect((await demo.call(`/customers/${id}`)).headers.get('ficus-target')).toBe('modern');
  });

  it('honours a signed override header, once, and ignores a forged one', async () => {
    await flip(demo, route, { stage: 'legacy' }, 'back');
    const expires = Math.floor(Date.now() / 1000) + 60;
    const good = signOverride(demoOverrideSecret, { target: 'modern', route, expires });
    expect((await demo.call('/customers/1', { headers: { 'ficus-override': good } })).headers.get('ficus-target')).toBe('modern');
    const forged = signOverride('wrong-secret', { target: 'modern', route, expires });
    expect((await demo.call('/customers/1', { headers: { 'ficus-override': forged } })).headers.get('ficus-target')).toBe('legacy');
    expect((await demo.call('/customers/1')).headers.get('ficus-target')).toBe('legacy');
    const counters = await demo.admin('/admin/routes');
    expect((counters.body['routes'] as Record<string, { overrides: number }>)[route]!.overrides).toBe(1);
  });

  it('never flags a legacy-only route to modern', async () => {
    const { status, body } = await flip(demo, 'policies.getPolicy', { stage: 'modern' }, 'try it');
    expect(status).toBe(409);
    expect(body['detail']).toMatch(/no modern target/);
  });
});

describe('the admin API for flags', () => {
  const demo = useDemo();

  it('refuses writes without the right bearer token', async () => {
    const body = JSON.stringify({ stage: 'modern', reason: 'try it' });
    const none = await demo.admin(`/admin/flags/${route}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await demo.admin(`/admin/flags/${route}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body });
    expect(wrong.status).toBe(401);
    expect((await demo.admin('/admin/flags')).body['version']).toBe(0);
  });

  it('refuses writes entirely when no token is configured', async () => {
    const open = await startDemo({ adminToken: undefined });
    try {
      const answer = await open.admin(`/admin/flags/${route}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: 'Bearer ' }, body: '{}' });
      expect(answer.status).toBe(401);
      expect(answer.body['detail']).toMatch(/FICUS_ADMIN_TOKEN/);
    } finally {
      await open.close();
    }
  });

  it('validates the change and explains what is wrong', async () => {
    expect((await flip(demo, route, { stage: 'canary' }, 'no percent')).status).toBe(400);
    expect((await flip(demo, route, { stage: 'canary', percent: 10.123 }, 'too precise')).status).toBe(400);
    expect((await flip(demo, route, { stage: 'sideways' }, 'bad stage')).status).toBe(400);
    expect((await flip(demo, route, { stage: 'modern' }, '')).status).toBe(400);
    expect((await flip(demo, 'customers.nope', { stage: 'modern' }, 'unknown')).status).toBe(404);
  });

  it('records events, supports If-Match and dry runs, and answers history and temporal queries', async () => {
    const dry = await demo.admin(`/admin/flags/${route}?dryRun=true`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${demoAdminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stage: 'shadow', reason: 'just looking' }),
    });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ recorded: false, event: { seq: 1, to: { stage: 'shadow' } } });
    expect((await demo.admin('/admin/flags')).body['version']).toBe(0);

    const first = await flip(demo, route, { stage: 'shadow' }, 'compare first', { 'if-match': '"0"' });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"1"');
    const beforeSecond = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stale = await flip(demo, route, { stage: 'modern' }, 'too late', { 'if-match': '"0"' });
    expect(stale.status).toBe(412);
    const second = await flip(demo, route, { stage: 'canary', percent: 5 }, 'start small', { 'if-match': '"1"' });
    expect(second.status).toBe(200);
    expect(second.body['event']).toMatchObject({ seq: 2, route, from: { stage: 'shadow' }, to: { stage: 'canary', percent: 5 }, actor: 'admin', reason: 'start small' });

    const now = await demo.admin('/admin/flags');
    expect(now.body).toMatchObject({ version: 2, flags: { [route]: { stage: 'canary', percent: 5 }, 'policies.getPolicy': { stage: 'legacy' } } });
    const past = await demo.admin(`/admin/flags?at=${encodeURIComponent(beforeSecond)}`);
    expect(past.body).toMatchObject({ version: 1, flags: { [route]: { stage: 'shadow' } } });
    expect((await demo.admin('/admin/flags?at=yesterday')).status).toBe(400);

    const history = await demo.admin(`/admin/flags/history?route=${route}`);
    expect((history.body['events'] as Array<{ seq: number }>).map((event) => event.seq)).toEqual([1, 2]);
    expect(((await demo.admin('/admin/flags/history?route=policies.getPolicy')).body['events'] as unknown[]).length).toBe(0);
  });
});

describe('shadow comparison', () => {
  const demo = useDemo();

  it('answers from legacy, compares modern in the domain model, and reports real differences only', async () => {
    await flip(demo, route, { stage: 'shadow' }, 'compare');
    for (const id of ['1', '2', '42', '77']) {
      const { headers } = await demo.call(`/customers/${id}`);
      expect(headers.get('ficus-target')).toBe('legacy');
    }
    await expect.poll(async () => ((await demo.admin(`/admin/shadow/${route}`)).body['matched'] as number) + ((await demo.admin(`/admin/shadow/${route}`)).body['mismatched'] as number), { timeout: 5_000 }).toBe(3);
    const report = (await demo.admin(`/admin/shadow/${route}`)).body;
    // 2 differs only in scale (250.5) and 42 not at all; 1 has a really different street. 77 is a 404 on both.
    expect(report).toMatchObject({ matched: 2, mismatched: 1, secondaryFailed: 0, skipped: 0 });
    expect(report['mismatchRate']).toBeCloseTo(1 / 3);
    expect(report['topDifferingPaths']).toEqual([{ path: '/addresses/*/street', count: 1 }]);
    const [sample] = report['recentMismatches'] as Array<Record<string, unknown>>;
    expect(sample).toMatchObject({ primary: 'legacy', input: { params: { id: '1' } }, differences: [{ path: '/addresses/1/street', primary: 'Mariahilfer Straße 45', secondary: 'Mariahilferstraße 45' }] });
    expect(JSON.stringify(report)).not.toMatch(/vogelsang@/i);
  });

  it('in modern-verify, modern answers and legacy is the shadow', async () => {
    await flip(demo, route, { stage: 'modern-verify' }, 'verify');
    const { headers, body } = await demo.call('/customers/23');
    expect(headers.get('ficus-target')).toBe('modern');
    expect(body['name']).toBe('Kurt Vogel');
    await expect.poll(async () => (await demo.admin(`/admin/shadow/${route}`)).body['mismatched'], { timeout: 5_000 }).toBe(2);
    const [latest] = (await demo.admin(`/admin/shadow/${route}`)).body['recentMismatches'] as Array<Record<string, unknown>>;
    expect(latest).toMatchObject({ primary: 'modern', differences: [{ path: '/name', primary: 'Kurt Vogel', secondary: 'Kurt Vogel <Nachlass>' }] });
  });

  it('never shadows a write', async () => {
    await flip(demo, 'customers.updateCustomerAddress', { stage: 'shadow' }, 'writes too?');
    const address = { street: 'Ring 1', city: 'Bonn', postalCode: '53111', country: 'DE' };
    const { status, headers } = await demo.call('/customers/3/address', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(address) });
    expect(status).toBe(200);
    expect(headers.get('ficus-target')).toBe('legacy');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const modern = await fetch(`${demo.modern.url}/v2/customers/3`).then((response) => response.json() as Promise<{ addresses: unknown[] }>);
    expect(modern.addresses).toEqual([]);
    expect((await demo.admin('/admin/shadow/customers.updateCustomerAddress')).body).toMatchObject({ matched: 0, mismatched: 0 });
  });

  it('never delays the answer: a shadow slower than the client is not waited for', async () => {
    await flip(demo, route, { stage: 'shadow' }, 'again');
    // Modern hangs until the shadow's own deadline (2 s) ends the call: an awaited shadow would hold the answer that long.
    demo.modern.faults.add({ kind: 'hang', operation: 'getCustomer' });
    const started = performance.now();
    const { status, headers } = await demo.call('/customers/42');
    expect(status).toBe(200);
    expect(headers.get('ficus-target')).toBe('legacy');
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect.poll(async () => (await demo.admin(`/admin/shadow/${route}`)).body['secondaryFailed'], { timeout: 5_000 }).toBe(1);
  });
});

describe('fallback and guards', () => {
  const demo = useDemo();

  it('answers a GET from legacy when modern fails, counts it, and the guard rolls the flag back', async () => {
    await flip(demo, route, { stage: 'canary', percent: 10 }, 'first step');
    await flip(demo, route, { stage: 'modern' }, 'all in');
    await demo.modern.close();
    for (let index = 0; index < 25; index++) {
      const { status, headers, body } = await demo.call('/customers/42');
      expect(status).toBe(200);
      expect(headers.get('ficus-target')).toBe('legacy');
      expect(body['name']).toBe('Anna Lindqvist');
    }
    const counters = (await demo.admin('/admin/routes')).body['routes'] as Record<string, { fallbacks: number; flag: unknown }>;
    expect(counters[route]!.fallbacks).toBeGreaterThanOrEqual(20);
    await expect.poll(async () => (await demo.admin('/admin/flags')).body['flags'], { timeout: 5_000 }).toMatchObject({ [route]: { stage: 'canary', percent: 10 } });
    const events = (await demo.admin(`/admin/flags/history?route=${route}`)).body['events'] as Array<Record<string, unknown>>;
    expect(events.at(-1)).toMatchObject({ actor: 'guard', from: { stage: 'modern' }, to: { stage: 'canary', percent: 10 } });
    expect(events.at(-1)!['reason']).toMatch(/modern error rate 100\.0% \(20 of 20 calls in 60s\) exceeds 20\.0%/);
  });

  it('does not fall back for writes', async () => {
    await flip(demo, 'customers.updateCustomerAddress', { stage: 'modern' }, 'writes to modern');
    const address = { street: 'Ring 1', city: 'Bonn', postalCode: '53111', country: 'DE' };
    const { status, headers } = await demo.call('/customers/3/address', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(address) });
    // 502 while the gateway still tries, 503 once the breaker has opened on the dead service.
    expect([502, 503]).toContain(status);
    expect(headers.get('ficus-target')).toBe('modern');
  });
});

describe('the modern demo service', () => {
  const demo = useDemo();

  it('can be broken on purpose through /__faults, and the route falls back to legacy', async () => {
    await flip(demo, route, { stage: 'modern' }, 'modern answers');
    const injected = await fetch(`${demo.modern.url}/__faults`, { method: 'POST', body: JSON.stringify({ operation: 'getCustomer', kind: 'server-fault' }) });
    expect(injected.status).toBeLessThan(300);
    const direct = await fetch(`${demo.modern.url}/v2/customers/1`);
    expect(direct.status).toBe(500);
    const { status, headers } = await demo.call('/customers/1');
    expect(status).toBe(200);
    expect(headers.get('ficus-target')).toBe('legacy');
    await fetch(`${demo.modern.url}/__faults`, { method: 'DELETE' });
    expect((await fetch(`${demo.modern.url}/v2/customers/1`)).status).toBe(200);
  });
});
