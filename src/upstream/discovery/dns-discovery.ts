import { promises as dns } from 'node:dns';
import { isIPv6 } from 'node:net';
import type { EndpointSpec } from '../endpoint.js';
import type { Discovery, DiscoverySnapshot, DnsRecordType } from './discovery.js';

/**
 * Endpoints from DNS, looked up again every `intervalMs`: the addresses of a name (A or AAAA
 * records; a Kubernetes headless service has one per ready pod) on a configured port, or SRV
 * records (each with its own port and weight; only the lowest priority value is used, as RFC 2782
 * says). SRV targets are resolved by the same resolver. A lookup that fails keeps the endpoints of
 * the last one that answered.
 */
export interface DnsDiscoveryOptions {
  readonly name: string;
  readonly records: DnsRecordType;
  /** The port of A/AAAA endpoints (SRV records carry their own). */
  readonly port?: number;
  readonly scheme: 'http' | 'https';
  /** The path of every endpoint URL, e.g. `/crm`. */
  readonly path: string;
  readonly intervalMs: number;
  /** One lookup's timeout. */
  readonly timeoutMs: number;
  /** DNS servers as `host` or `host:port`; the system's resolvers when absent. */
  readonly servers?: readonly string[];
}

export class DnsDiscovery implements Discovery {
  private readonly resolver: dns.Resolver;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastResolvedAt: number | undefined;
  private lastError: string | null = null;
  private lastAnswer = '';

  constructor(private readonly options: DnsDiscoveryOptions) {
    this.resolver = new dns.Resolver({ timeout: options.timeoutMs, tries: 2 });
    if (options.servers) this.resolver.setServers([...options.servers]);
  }

  async start(update: (endpoints: readonly EndpointSpec[]) => void): Promise<void> {
    const round = async (): Promise<void> => {
      await this.refresh(update);
      if (this.closed) return;
      this.timer = setTimeout(() => void round(), this.options.intervalMs);
      this.timer.unref();
    };
    await round();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.resolver.cancel();
  }

  snapshot(): DiscoverySnapshot {
    const { name, records, intervalMs } = this.options;
    return {
      kind: 'dns',
      name,
      records,
      intervalMs,
      lastResolvedAt: this.lastResolvedAt === undefined ? null : new Date(this.lastResolvedAt).toISOString(),
      lastError: this.lastError,
    };
  }

  /** One lookup; reports only when the endpoints differ from the last answer. */
  private async refresh(update: (endpoints: readonly EndpointSpec[]) => void): Promise<void> {
    let endpoints: EndpointSpec[];
    try {
      endpoints = await this.lookUp();
      if (endpoints.length === 0) throw Object.assign(new Error('no endpoints in the answer'), { code: dns.NODATA });
    } catch (error) {
      if (!this.closed) this.lastError = (error as NodeJS.ErrnoException).code ?? 'ERROR';
      return;
    }
    if (this.closed) return;
    this.lastResolvedAt = Date.now();
    this.lastError = null;
    const key = endpoints.map((endpoint) => `${endpoint.url} ${endpoint.weight}`).join('\n');
    if (key === this.lastAnswer) return;
    this.lastAnswer = key;
    update(endpoints);
  }

  private async lookUp(): Promise<EndpointSpec[]> {
    const { records, name, port } = this.options;
    if (records !== 'SRV') {
      const addresses = records === 'A' ? await this.resolver.resolve4(name) : await this.resolver.resolve6(name);
      return addresses.sort().map((address) => ({ url: this.urlOf(address, port!), weight: 1 }));
    }
    const answers = await this.resolver.resolveSrv(name);
    const priority = Math.min(...answers.map((answer) => answer.priority));
    const chosen = answers.filter((answer) => answer.priority === priority);
    const endpoints: EndpointSpec[] = [];
    for (const answer of chosen) {
      for (const address of await this.addressesOf(answer.name)) {
        endpoints.push({ url: this.urlOf(address, answer.port), weight: Math.max(1, answer.weight) });
      }
    }
    return endpoints.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  }

  /** An SRV target's addresses: A records, or AAAA when it has none. */
  private async addressesOf(target: string): Promise<string[]> {
    try {
      return await this.resolver.resolve4(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== dns.NODATA) throw error;
      return this.resolver.resolve6(target);
    }
  }

  private urlOf(address: string, port: number): string {
    const host = isIPv6(address) ? `[${address}]` : address;
    return `${this.options.scheme}://${host}:${port}${this.options.path}`;
  }
}
