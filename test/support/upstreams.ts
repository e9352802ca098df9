import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startCustomerStub, type FaultSpec, type RunningStub } from '../../legacy-stubs/index.js';
import { limitsSchema, upstreamConfigSchema } from '../../src/config/gateway-config.js';
import { startGateway, type RunningGateway } from '../../src/gateway.js';
import { Upstream, type ReplyClass, type UpstreamReply, type UpstreamRequest, type UpstreamSnapshot } from '../../src/upstream/index.js';

/**
 * Helpers for the upstream protection tests: an `Upstream` built from gateway.yaml-shaped data,
 * CRM calls as the legacy target sends them, and the stubs' fault injection over HTTP.
 */

const repo = resolve(import.meta.dirname, '../..');

/** An upstream from the same data gateway.yaml holds under `upstreams.<name>` (defaults applied). */
export function upstreamOf(name: string, config: Record<string, unknown>): Upstream {
  return new Upstream(name, upstreamConfigSchema.parse(config), limitsSchema.parse({}));
}

/** As the legacy target classifies SOAP 1.1 replies: a Client fault is the caller's problem. */
function classifySoap11(reply: UpstreamReply): ReplyClass {
  const text = reply.body.toString('utf8');
  if (/<faultcode>[^<]*Client<\/faultcode>/.test(text)) return 'client-error';
  if (reply.status === 200 && text.includes(':Envelope') && !text.includes(':Fault>')) return 'ok';
  return 'server-error';
}

const crmEnvelope = (operation: string, inner: string): string =>
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
  `<${operation} xmlns="urn:acme:crm:v1">${inner}</${operation}></soap:Body></soap:Envelope>`;

/** GetCustomerDetails: idempotent (a GET route). */
export function getCustomer(custNo = '00000001', extra: Partial<UpstreamRequest> = {}): UpstreamRequest {
  return {
    method: 'POST',
    path: '',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:acme:crm:v1/GetCustomerDetails"' },
    body: crmEnvelope('GetCustomerDetails', `<CustNo>${custNo}</CustNo>`),
    operation: 'GetCustomerDetails',
    idempotent: true,
    classify: classifySoap11,
    ...extra,
  };
}

/** UpdateCustomerAddress: not idempotent (a PUT route without `idempotent: true`). */
export function updateAddress(custNo = '00000001'): UpstreamRequest {
  return {
    ...getCustomer(custNo),
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:acme:crm:v1/UpdateCustomerAddress"' },
    body: crmEnvelope(
      'UpdateCustomerAddress',
      `<CustNo>${custNo}</CustNo><Addr><StreetLn>Main St 1</StreetLn><CityNm>Springfield</CityNm><PostCd>12345</PostCd><CntryCd>US</CntryCd></Addr>`,
    ),
    operation: 'UpdateCustomerAddress',
    idempotent: false,
  };
}

export interface CrmStubs {
  /** The running instances (set before the tests run). */
  readonly stubs: RunningStub[];
  /** Closes `upstream` after the current test. */
  use(upstream: Upstream): Upstream;
}

/**
 * `count` CRM stub instances for the tests of a file: started once, their faults cleared and the
 * test's upstream closed after each test, stopped at the end.
 */
export function useCrmStubs(count: number): CrmStubs {
  const stubs: RunningStub[] = [];
  let current: Upstream | undefined;
  beforeAll(async () => {
    stubs.push(...(await Promise.all(Array.from({ length: count }, () => startCustomerStub()))));
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
    await Promise.all(stubs.map(clearFaults));
  });
  afterAll(async () => {
    await Promise.all(stubs.map((stub) => stub.close()));
  });
  return {
    stubs,
    use(upstream) {
      current = upstream;
      return upstream;
    },
  };
}

/** Calls and settles: the reply, or the error (a GatewayError from `Upstream.call`). */
export async function attempt(upstream: Upstream, request: UpstreamRequest, signal = new AbortController().signal) {
  try {
    return { reply: await upstream.call(request, signal) };
  } catch (error) {
    return { error: error as Error & { slug?: string; retryAfterSeconds?: number } };
  }
}

function faultsUrl(stub: Pick<RunningStub, 'url'>): string {
  return `${new URL(stub.url).origin}/__faults`;
}

/** `POST /__faults` on a stub, as a user would. */
export async function injectFault(stub: Pick<RunningStub, 'url'>, fault: FaultSpec): Promise<void> {
  const response = await fetch(faultsUrl(stub), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  expect(response.status).toBe(200);
  await response.arrayBuffer();
}

/** `DELETE /__faults` on a stub. */
export async function clearFaults(stub: Pick<RunningStub, 'url'>): Promise<void> {
  const response = await fetch(faultsUrl(stub), { method: 'DELETE' });
  expect(response.status).toBe(200);
  await response.arrayBuffer();
}

/** Calls each stub has seen so far, in order. */
export function callsOf(stubs: readonly RunningStub[]): number[] {
  return stubs.map((stub) => stub.faults.counters.calls);
}

export function endpointOf(snapshot: UpstreamSnapshot, url: string): UpstreamSnapshot['endpoints'][number] {
  const endpoint = snapshot.endpoints.find((candidate) => candidate.url === url);
  if (!endpoint) throw new Error(`no endpoint ${url} in ${JSON.stringify(snapshot.endpoints.map((e) => e.url))}`);
  return endpoint;
}

/**
 * A small mapping of one route per upstream (GET /customers/{id} on crm, GET /policies/{n} on
 * policy), so these tests do not depend on the demo's mappings.
 */
const PROTECTION_MAPPING = `
feature: protection
types:
  Customer:
    fields:
      id: string
      name: string
  Policy:
    fields:
      policyNumber: string
      status: string
routes:
  getCustomer:
    http: GET /customers/{id}
    input:
      params: { id: { type: string, pattern: "^[0-9]{1,8}$" } }
    output: Customer
    legacy:
      upstream: crm
      operation: GetCustomerDetails
      request:
        CustNo: { from: $params.id, pad: 8 }
      response:
        from: Customer
        fields:
          id: { from: CustNo, pad: 8 }
          name: { from: CustName, trim: true }
  getPolicy:
    http: GET /policies/{policyNumber}
    input:
      params: { policyNumber: { type: string, pattern: "^P-[0-9]{6}$" } }
    output: Policy
    legacy:
      upstream: policy
      operation: GetPolicy
      request:
        PolicyNo: $params.policyNumber
      response:
        from: Policy
        fields:
          policyNumber: PolicyNo
          status: StatusCd
`;

/**
 * A gateway over the two stubs with the given policy YAML under each upstream (indented by the
 * caller as flow mappings or lines), e.g. `{ crm: 'breaker: { volumeThreshold: 4 }' }`.
 */
export async function startProtectedGateway(
  stubs: { crm: RunningStub; policy: RunningStub },
  policy: { crm?: readonly string[]; policy?: readonly string[] } = {},
): Promise<RunningGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'ficus-protection-'));
  mkdirSync(join(dir, 'mappings'));
  writeFileSync(join(dir, 'mappings', 'protection.yaml'), PROTECTION_MAPPING);
  const upstream = (name: 'crm' | 'policy', wsdl: string, lines: readonly string[] = []): string[] => [
    `  ${name}:`,
    `    wsdl: ${join(repo, wsdl)}`,
    `    endpoints: ["${stubs[name].url}"]`,
    ...lines.map((line) => `    ${line}`),
  ];
  writeFileSync(
    join(dir, 'gateway.yaml'),
    [
      'mappings: mappings',
      'problemTypeBase: "urn:test:"',
      'upstreams:',
      ...upstream('crm', 'legacy-stubs/crm/CustomerService.wsdl', policy.crm),
      ...upstream('policy', 'legacy-stubs/policy/PolicyService.wsdl', policy.policy),
    ].join('\n'),
  );
  return startGateway({
    configPath: join(dir, 'gateway.yaml'),
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    logger: pino({ level: 'silent' }),
  });
}

/** GET on the gateway: status, headers and the parsed JSON body. */
export async function getJson(url: string): Promise<{ status: number; headers: Headers; body: Record<string, unknown>; ms: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, ms: performance.now() - started };
}
