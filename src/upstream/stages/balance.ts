import { classifyReply, type Call } from '../call.js';
import type { Balancer } from '../balancers/index.js';
import type { EndpointSet } from '../endpoint-set.js';
import { selectCandidates, type OutlierDetector } from '../health/index.js';
import { UpstreamError, isUpstreamFault } from '../upstream-error.js';

export interface BalanceOptions {
  readonly upstream: string;
  readonly endpoints: EndpointSet;
  readonly balancer: Balancer;
  readonly outliers: OutlierDetector;
  readonly panicThresholdPercent: number;
}

/**
 * The innermost call of an upstream: picks an endpoint among the available ones (or all of them in
 * panic), sends the attempt there, and tells outlier detection how the endpoint did.
 */
export function balance({ upstream, endpoints, balancer, outliers, panicThresholdPercent }: BalanceOptions): Call {
  return async function balanced(request, signal) {
    const all = endpoints.all.length > 0 ? endpoints.all : await endpoints.whenReady(signal);
    // The deadline (or the client) ended the wait for the first DNS answer: like any wait below
    // the deadline stage, reject with the signal's reason, which that stage turns into a timeout
    // or a cancellation. It says nothing about the upstream, so no breaker or endpoint counts it.
    if (signal.aborted) throw signal.reason;
    if (all.length === 0) {
      throw new UpstreamError('connect', upstream, `cannot connect: ${upstream} (${request.operation}) has no endpoints yet`);
    }
    const { endpoints: candidates } = selectCandidates(all, panicThresholdPercent);
    const endpoint = balancer.pick(candidates, request);
    try {
      const reply = await endpoint.call(request, signal);
      outliers.record(endpoint, classifyReply(request, reply) === 'server-error', endpoints.all);
      return reply;
    } catch (error) {
      // A cancelled call or an oversized reply says nothing either way.
      if (isUpstreamFault(error)) outliers.record(endpoint, true, endpoints.all);
      throw error;
    }
  };
}
