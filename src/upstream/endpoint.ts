import type { Call } from './call.js';
import { EndpointHealth, type EndpointHealthSnapshot } from './health/endpoint-health.js';
import { EndpointTransport, type TransportOptions } from './http-transport.js';

/** One instance of an upstream as discovery reports it. */
export interface EndpointSpec {
  readonly url: string;
  /** Relative share for the weighted balancers (SRV weight, or `weight:` in gateway.yaml). */
  readonly weight: number;
}

export interface EndpointSnapshot extends EndpointHealthSnapshot {
  readonly url: string;
  readonly weight: number;
  /** Calls in flight on this endpoint. */
  readonly outstanding: number;
}

/**
 * An endpoint: its transport (a keep-alive pool), its health, and the calls in flight on it (which
 * the least-outstanding balancer reads).
 */
export class Endpoint {
  readonly url: string;
  weight: number;
  outstanding = 0;
  readonly health = new EndpointHealth();
  private readonly transport: EndpointTransport;
  private closing: Promise<void> | undefined;

  constructor(spec: EndpointSpec, options: TransportOptions) {
    this.url = spec.url;
    this.weight = spec.weight;
    this.transport = new EndpointTransport(spec.url, options);
  }

  /** A real call: counted as outstanding while in flight. */
  readonly call: Call = async (request, signal) => {
    this.outstanding++;
    try {
      return await this.transport.call(request, signal);
    } finally {
      this.outstanding--;
    }
  };

  /** A health check: not counted, not judged by outlier detection. */
  readonly probe: Call = (request, signal) => this.transport.call(request, signal);

  /** For an endpoint discovery dropped: no new calls; the connections close once the calls in flight end. */
  retire(): Promise<void> {
    this.closing ??= this.transport.drain().catch(() => undefined);
    return this.closing;
  }

  /** Closes every connection now (shutdown), also of a retiring endpoint. */
  close(): Promise<void> {
    return this.transport.close().catch(() => undefined);
  }

  snapshot(now = Date.now()): EndpointSnapshot {
    return { url: this.url, weight: this.weight, outstanding: this.outstanding, ...this.health.snapshot(now) };
  }
}
