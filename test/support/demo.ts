import { pino } from 'pino';
import { startCustomerStub, startPolicyStub, type RunningStub } from '../../legacy-stubs/index.js';
import { startGateway, type RunningGateway } from '../../src/gateway.js';

export interface RunningDemo {
  readonly gateway: RunningGateway;
  readonly crm: RunningStub;
  readonly policy: RunningStub;
  /** GET/PUT against the domain API; returns status, headers and parsed JSON. */
  call(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** The bundled demo on ephemeral loopback ports: both stubs and the gateway, with gateway.yaml. */
export async function startDemo(): Promise<RunningDemo> {
  const [crm, policy] = await Promise.all([startCustomerStub(), startPolicyStub()]);
  const gateway = await startGateway({
    configPath: 'gateway.yaml',
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    endpoints: { crm: [crm.url], policy: [policy.url] },
    logger: pino({ level: 'silent' }),
  });
  return {
    gateway,
    crm,
    policy,
    async call(path, init) {
      const response = await fetch(gateway.domainUrl + path, init);
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async close() {
      await gateway.close();
      await Promise.all([crm.close(), policy.close()]);
    },
  };
}
