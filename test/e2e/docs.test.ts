import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../support/demo.js';

/**
 * The API description on the demo gateway's domain port, and its reference page at /docs rendered
 * by a real browser: Debian's chromium driven by playwright-core, with every request that leaves
 * the gateway's origin refused (the page must work without internet). The browser tests are
 * skipped where chromium is not installed, except in CI, where .ci/run installs it.
 */
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const hasChromium = existsSync(executablePath);
if (!hasChromium && process.env['CI']) throw new Error(`no chromium at ${executablePath}; .ci/run installs it`);

let demo: RunningDemo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => {
  await demo?.close();
});

describe('GET /openapi.json on the domain port', () => {
  it('describes every demo route', async () => {
    const { status, headers, body } = await demo.call('/openapi.json');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(headers.get('x-request-id')).toBeTruthy();
    const paths = body['paths'] as Record<string, Record<string, { operationId: string }>>;
    const operations = Object.values(paths).flatMap((methods) => Object.values(methods).map((operation) => operation.operationId));
    expect(operations.sort()).toEqual(demo.gateway.config.mappings.routes.map((route) => route.id).sort());
  });
});

describe.skipIf(!hasChromium)('GET /docs in headless chromium', () => {
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'ficus-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const origin = new URL(demo.gateway.domainUrl).origin;
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith('data:')) return route.continue();
      foreignRequests.push(url);
      return route.abort('internetdisconnected');
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${demo.gateway.domainUrl}/docs`);
  }, 30_000); // a browser start is ~2 s, more on a busy machine

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("renders the demo's operations from the gateway's own assets", async () => {
    const operations = page.locator('.opblock-summary');
    await expect.poll(() => operations.count(), { timeout: 10_000 }).toBe(5);
    const text = (await operations.allInnerTexts()).join('\n');
    expect(text).toContain('/customers/{id}');
    expect(text).toContain('Get one customer with all addresses');
    expect(text).toContain('/customers/{id}/address');
    expect(text).toContain('Find customers by name');
    expect(text).toContain('/policies/{policyNumber}');
    expect(foreignRequests).toEqual([]);
  });

  it('shows an opened operation with its parameter and problem responses, and tries it out', async () => {
    const getCustomer = page.locator('.opblock', { hasText: 'Get one customer with all addresses' });
    await getCustomer.locator('.opblock-summary').click();
    const parameters = getCustomer.locator('.parameters');
    await expect.poll(() => parameters.innerText(), { timeout: 5_000 }).toContain('A customer number, without leading zeros.');
    const responses = await getCustomer.locator('.responses-table').first().innerText();
    expect(responses).toContain('customer-not-found');
    expect(responses).toContain('backend-busy');
    expect(responses).toContain('application/problem+json');

    await getCustomer.locator('button.try-out__btn').click();
    await getCustomer.locator('input[placeholder="id"]').fill('1');
    await getCustomer.locator('button.execute').click();
    const live = getCustomer.locator('.live-responses-table');
    await expect.poll(() => live.innerText(), { timeout: 5_000 }).toContain('Margarethe Vogelsang');
    expect(foreignRequests).toEqual([]);
  });
});
