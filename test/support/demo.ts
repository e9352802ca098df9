import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import {
  startCustomerStub,
  startModernCustomerService,
  startPolicyStub,
  type RunningModernService,
  type RunningStub,
} from '../../legacy-stubs/index.js';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../src/gateway.js';

export interface RunningDemo {
  readonly gateway: RunningGateway;
  readonly crm: RunningStub;
  readonly policy: RunningStub;
  readonly modern: RunningModernService;
  /** GET/PUT against the domain API; returns status, headers and parsed JSON. */
  call(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>;
  /** The same against the admin API. */
  admin(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export const demoAdminToken = 'test-admin-token';
export const demoOverrideSecret = 'test-override-secret';

async function callJson(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The bundled demo on ephemeral loopback ports: the stubs, the modern service and the gateway. */
export async function startDemo(overrides: Partial<GatewayOptions> = {}): Promise<RunningDemo> {
  const [crm, policy, modern] = await Promise.all([startCustomerStub(), startPolicyStub(), startModernCustomerService()]);
  const gateway = await startGateway({
    configPath: 'gateway.yaml',
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    endpoints: { crm: [crm.url], policy: [policy.url], 'customer-service': [modern.url] },
    flagLog: 'memory',
    adminToken: demoAdminToken,
    overrideSecret: demoOverrideSecret,
    logger: pino({ level: 'silent' }),
    ...overrides,
  });
  return {
    gateway,
    crm,
    policy,
    modern,
    call: (path, init) => callJson(gateway.domainUrl + path, init),
    admin: (path, init) => callJson(gateway.adminUrl + path, withReadToken(init, overrides)),
    async close() {
      await gateway.close();
      await Promise.all([crm.close(), policy.close(), modern.close()]);
    },
  };
}

/**
 * The demo for the tests of the enclosing describe block (or file): started before them, closed
 * after them. Use the returned demo inside tests only; it throws before the demo has started.
 *
 * @example
 * const demo = useDemo();
 * it('answers', async () => expect((await demo.call('/customers/1')).status).toBe(200));
 */
export function useDemo(overrides: Partial<GatewayOptions> = {}): RunningDemo {
  let running: RunningDemo | undefined;
  beforeAll(async () => {
    running = await startDemo(overrides);
  });
  afterAll(async () => {
    await running?.close();
  });
  const started = (): RunningDemo => {
    if (running === undefined) throw new Error('the demo starts in beforeAll: use it inside a test');
    return running;
  };
  return {
    get gateway() {
      return started().gateway;
    },
    get crm() {
      return started().crm;
    },
    get policy() {
      return started().policy;
    },
    get modern() {
      return started().modern;
    },
    call: (path, init) => started().call(path, init),
    admin: (path, init) => started().admin(path, init),
    close: () => started().close(),
  };
}

/**
 * Reads on the admin API need the bearer token when one is configured: a GET without its own
 * Authorization header gets the demo's. Writes send only what the caller gives (tests of refusals).
 */
function withReadToken(init: RequestInit | undefined, overrides: Partial<GatewayOptions>): RequestInit | undefined {
  const token = 'adminToken' in overrides ? overrides.adminToken : demoAdminToken;
  if (!token || (init?.method ?? 'GET') !== 'GET') return init;
  const headers = new Headers(init?.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
  return { ...init, headers };
}

/** PUT /admin/flags/{route} with the demo's token. */
export function flip(demo: RunningDemo, route: string, flag: { stage: string; percent?: number }, reason = 'test', headers: Record<string, string> = {}) {
  return demo.admin(`/admin/flags/${route}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${demoAdminToken}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ ...flag, reason }),
  });
}
