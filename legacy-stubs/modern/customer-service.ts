import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createFaultInjector, type FaultInjector, type FaultReplies } from '../faults.js';
import type { StubOptions } from '../soap-server.js';
import { seedModernCustomers, type ModernCustomer } from './modern-customers.js';

/**
 * The demo's modern customer service: the new system the CRM is being strangled into. Plain JSON
 * over HTTP with its own names (`customerId`, `fullName`, `state: ACTIVE`) and its own in-memory
 * store, seeded with the CRM's customers. `/__faults` breaks it on purpose (operations
 * `getCustomer`, `searchCustomers`, `updateAddress`).
 */
export interface RunningModernService {
  readonly name: 'customer-service';
  /** Base URL, e.g. http://127.0.0.1:41236 (the API is under /v2). */
  readonly url: string;
  /** Fault injection, also reachable over HTTP at `/__faults`. */
  readonly faults: FaultInjector;
  close(): Promise<void>;
}

const json = 'application/json; charset=utf-8';
/** How this service fails when told to: its own JSON errors. */
const injectedReplies: FaultReplies = {
  serverFault: { status: 500, contentType: json, body: JSON.stringify({ error: 'internal', message: 'injected failure' }) },
  clientFault: { status: 400, contentType: json, body: JSON.stringify({ error: 'bad_request', message: 'injected failure' }) },
  contentType: json,
};

/** `GET /v2/customers/1` -> `getCustomer`, the names `/__faults` takes as `operation`. */
function operationOf(request: IncomingMessage): string | undefined {
  const path = (request.url ?? '').split('?')[0] ?? '';
  if (/^\/v2\/customers\/[^/]+$/.test(path) && request.method === 'GET') return 'getCustomer';
  if (path === '/v2/customers' && request.method === 'GET') return 'searchCustomers';
  if (/^\/v2\/customers\/[^/]+\/addresses\/primary$/.test(path) && request.method === 'PUT') return 'updateAddress';
  return undefined;
}

const addressBody = z
  .object({ line1: z.string().min(1), city: z.string().min(1), zip: z.string().min(1), countryCode: z.string().regex(/^[A-Z]{2}$/) })
  .strict();

export function createModernCustomerApp(customers: Map<string, ModernCustomer> = seedModernCustomers()): Hono {
  const app = new Hono();
  const notFound = { error: 'not_found', message: 'no such customer' };

  app.get('/v2/customers/:id', (c) => {
    const customer = customers.get(c.req.param('id'));
    return customer ? c.json(customer) : c.json(notFound, 404);
  });

  app.get('/v2/customers', (c) => {
    const query = c.req.query('q') ?? '';
    const limit = Math.min(Number(c.req.query('limit') ?? 20) || 20, 1000);
    const pattern = new RegExp(query.split('*').map(escapeRegExp).join('.*'), 'i');
    const results = [...customers.values()]
      .filter((customer) => pattern.test(customer.fullName))
      .sort((a, b) => Number(a.customerId) - Number(b.customerId))
      .slice(0, limit);
    return c.json({ results, total: results.length });
  });

  app.put('/v2/customers/:id/addresses/primary', async (c) => {
    const customer = customers.get(c.req.param('id'));
    if (!customer) return c.json(notFound, 404);
    const parsed = addressBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: 'invalid', issues: parsed.error.issues }, 422);
    if (customer.addresses.length === 0) customer.addresses.push(parsed.data);
    else customer.addresses[0] = parsed.data;
    return c.json(customer);
  });

  app.notFound((c) => c.json({ error: 'not_found' }, 404));
  return app;
}

export async function startModernCustomerService(options: StubOptions = {}): Promise<RunningModernService> {
  const app = createModernCustomerApp();
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve({ fetch: app.fetch, hostname: options.host ?? '127.0.0.1', port: options.port ?? 0 }) as Server;
    created.once('listening', () => resolve(created));
    created.once('error', reject);
  });
  const faults = createFaultInjector({ replies: injectedReplies, operationOf });
  faults.install(server);
  const { address, port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    name: 'customer-service',
    url: `http://${address}:${port}`,
    faults,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
