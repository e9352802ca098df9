import type { Limits, UpstreamConfig } from '../config/index.js';
import { GatewayError } from '../problem/index.js';
import { compose, type Call, type UpstreamReply, type UpstreamRequest } from './call.js';
import { EndpointTransport } from './http-transport.js';
import { deadline, roundRobin } from './stages.js';
import { isUpstreamError, type UpstreamError } from './upstream-error.js';

/**
 * A named backend system. `call()` is the only place that does network I/O to it; the policy
 * stages are composed here once, at load.
 */
export class Upstream {
  private readonly transports: EndpointTransport[];
  private readonly pipeline: Call;

  constructor(
    readonly name: string,
    config: UpstreamConfig,
    limits: Limits,
  ) {
    this.transports = config.endpoints.map(
      (url) =>
        new EndpointTransport(url, {
          upstream: name,
          maxReplyBytes: limits.maxReplyBytes,
          connectTimeoutMs: config.connectTimeoutMs,
          connections: config.connections,
        }),
    );
    const stages = compose(deadline(config.timeoutMs));
    this.pipeline = stages(roundRobin(this.transports.map((transport) => transport.call)));
  }

  /** Resolves with any HTTP reply (SOAP faults included); rejects with a GatewayError otherwise. */
  async call(request: UpstreamRequest, signal: AbortSignal): Promise<UpstreamReply> {
    try {
      return await this.pipeline(request, signal);
    } catch (error) {
      throw isUpstreamError(error) ? toGatewayError(error) : error;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.transports.map((transport) => transport.close()));
  }
}

function toGatewayError(error: UpstreamError): GatewayError {
  switch (error.failure) {
    case 'timeout':
      return GatewayError.of('upstream-timeout', `The ${error.upstream} system did not answer in time.`, { cause: error });
    case 'too-large':
      return GatewayError.of('bad-upstream-reply', `The ${error.upstream} system sent a reply larger than allowed.`, { cause: error });
    case 'cancelled':
      return GatewayError.of('upstream-unreachable', 'The request was cancelled.', { cause: error });
    default:
      return GatewayError.of('upstream-unreachable', `The ${error.upstream} system could not be reached.`, { cause: error });
  }
}

export class UpstreamRegistry {
  private readonly upstreams = new Map<string, Upstream>();

  constructor(configs: Readonly<Record<string, UpstreamConfig>>, limits: Limits) {
    for (const [name, config] of Object.entries(configs)) this.upstreams.set(name, new Upstream(name, config, limits));
  }

  get(name: string): Upstream {
    const upstream = this.upstreams.get(name);
    if (!upstream) throw new Error(`no upstream named ${name}`);
    return upstream;
  }

  async close(): Promise<void> {
    await Promise.all([...this.upstreams.values()].map((upstream) => upstream.close()));
  }
}
