import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCustomerStub, startModernCustomerService, startPolicyStub, type RunningModernService, type RunningStub } from '../../legacy-stubs/index.js';
import { startGateway, type RunningGateway } from '../../src/gateway.js';
import { writeConfigFixture } from '../support/config-fixture.js';

/**
 * Hot reload: a new configuration is checked (schema, WSDLs, mapping examples) before it is
 * swapped in; a bad one is refused and the old one keeps serving; requests in flight finish on
 * the configuration they started with.
 */
const token = 'reload-token';
let crm: RunningStub;
let policy: RunningStub;
let modern: RunningModernService;
let gateway: RunningGateway;
let mappingFile: string;
let original: string;
let configPath: string;

beforeAll(async () => {
  [crm, policy, modern] = await Promise.all([startCustomerStub(), startPolicyStub(), startModernCustomerService()]);
  configPath = writeConfigFixture({ crmEndpoint: crm.url, policyEndpoint: policy.url, modernEndpoint: modern.url });
  mappingFile = join(dirname(configPath), 'mappings/customers.yaml');
  original = readFileSync(mappingFile, 'utf8');
  writeFileSync(configPath, readFileSync(configPath, 'utf8') + '\nreload: { watch: true, debounceMs: 100 }\nflags: { log: memory }\n');
  // This gateway reloads only when told to, so each test knows which version to expect.
  gateway = await startGateway({ configPath, host: '127.0.0.1', port: 0, adminPort: 0, adminToken: token, watch: false, logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await gateway?.close();
  await Promise.all([crm?.close(), policy?.close(), modern?.close()]);
});

const reload = () => fetch(`${gateway.adminUrl}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
const configInfo = async () => (await (await fetch(`${gateway.adminUrl}/admin/config`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>;
const notFoundTitle = async () => ((await (await fetch(`${gateway.domainUrl}/customers/77`)).json()) as Record<string, unknown>)['title'];

describe('hot reload', () => {
  it('needs the admin token', async () => {
    expect((await fetch(`${gateway.adminUrl}/admin/reload`, { method: 'POST' })).status).toBe(401);
  });

  it('swaps in a valid new configuration', async () => {
    const before = (await configInfo())['version'] as number;
    writeFileSync(mappingFile, original.replaceAll('title: Customer not found', 'title: No such customer'));
    const answer = await reload();
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ ok: true, version: expect.any(Number) });
    expect(await notFoundTitle()).toBe('No such customer');
    const info = await configInfo();
    expect(info['version']).toBeGreaterThan(before);
    expect(info).toMatchObject({ lastReload: { ok: true, trigger: 'admin' }, source: expect.stringMatching(/gateway\.yaml$/) });
  });

  it('refuses an invalid configuration, names the problem, and keeps serving the old one', async () => {
    const { version } = await configInfo();
    writeFileSync(mappingFile, original.replace('operation: GetCustomerDetails', 'operation: GetCustomer'));
    const answer = await reload();
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await answer.json()) as { problems: string[] };
    expect(problem.problems).toEqual([expect.stringMatching(/customers\.yaml:routes\.getCustomer\.legacy\.operation: .*has no operation GetCustomer/)]);
    expect((await fetch(`${gateway.domainUrl}/customers/1`)).status).toBe(200);
    expect(await configInfo()).toMatchObject({ version, lastReload: { ok: false }, reloadFailures: expect.any(Number) });
  });

  it('refuses a configuration whose mapping examples fail', async () => {
    writeFileSync(mappingFile, original.replace('expectRequest: { CustNo: "00000001" }', 'expectRequest: { CustNo: "1" }'));
    const answer = await reload();
    expect(answer.status).toBe(422);
    expect(((await answer.json()) as { problems: string[] }).problems[0]).toMatch(/example "a customer with several addresses": request CustNo: expected "1", got "00000001"/);
  });

  it('lets a request in flight finish on the configuration it started with', async () => {
    writeFileSync(mappingFile, original.replaceAll('title: Customer not found', 'title: Old title'));
    expect((await reload()).status).toBe(200);
    await fetch(`${crm.url.replace(/\/crm$/, '')}/__faults`, { method: 'POST', body: JSON.stringify({ kind: 'server-fault', errorRate: 0, latencyMs: 800 }) });
    try {
      const slow = fetch(`${gateway.domainUrl}/customers/77`).then(async (response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> }));
      await new Promise((resolve) => setTimeout(resolve, 200));
      writeFileSync(mappingFile, original.replaceAll('title: Customer not found', 'title: New title'));
      expect((await reload()).status).toBe(200);
      const finished = await slow;
      expect(finished).toMatchObject({ status: 404, body: { title: 'Old title' } });
    } finally {
      await fetch(`${crm.url.replace(/\/crm$/, '')}/__faults`, { method: 'DELETE' });
    }
    expect(await notFoundTitle()).toBe('New title');
  });

  it('keeps flags across reloads', async () => {
    const flip = await fetch(`${gateway.adminUrl}/admin/flags/customers.getCustomer`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stage: 'modern', reason: 'before reload' }),
    });
    expect(flip.status).toBe(200);
    expect((await reload()).status).toBe(200);
    expect((await fetch(`${gateway.domainUrl}/customers/1`)).headers.get('ficus-target')).toBe('modern');
  });

  it('reloads by itself when a mapping file changes', async () => {
    writeFileSync(mappingFile, original);
    const watching = await startGateway({ configPath, host: '127.0.0.1', port: 0, adminPort: 0, adminToken: token, logger: pino({ level: 'silent' }) });
    try {
      const info = async () => (await (await fetch(`${watching.adminUrl}/admin/config`, { headers: { authorization: `Bearer ${token}` } })).json()) as { version: number };
      expect((await info()).version).toBe(1);
      writeFileSync(mappingFile, original.replaceAll('title: Customer not found', 'title: Watched title'));
      await expect.poll(async () => (await info()).version, { timeout: 5_000 }).toBeGreaterThan(1);
      const answer = await fetch(`${watching.domainUrl}/customers/77`);
      expect(((await answer.json()) as Record<string, unknown>)['title']).toBe('Watched title');
    } finally {
      await watching.close();
    }
  });
});
