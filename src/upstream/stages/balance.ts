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
    // A signal that fired (before or while waiting for the first DNS answer) rejects in whenReady
    // with its reason: it says nothing about the upstream, so no breaker or endpoint counts it.
    // With endpoints known and the signal live, no promise is made on the way to the endpoint.
    const all = endpoints.all.length > 0 && !signal.aborted ? endpoints.all : await endpoints.whenReady(signal);
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
