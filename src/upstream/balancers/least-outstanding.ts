import type { Balanced, Balancer, Random } from './balancer.js';

/**
 * Least outstanding requests by the power of two choices: two distinct candidates at random, the
 * one with fewer calls in flight (per unit of weight) wins. Nearly as good as scanning all of them,
 * and it never sends a burst to the one endpoint that just looked idle.
 */
export class LeastOutstandingBalancer implements Balancer {
  constructor(private readonly random: Random = Math.random) {}

  pick<E extends Balanced>(candidates: readonly E[]): E {
    if (candidates.length === 1) return candidates[0]!;
    const first = Math.floor(this.random() * candidates.length);
    let second = Math.floor(this.random() * (candidates.length - 1));
    if (second >= first) second++;
    const a = candidates[first]!;
    const b = candidates[second]!;
    return load(b) < load(a) ? b : a;
  }
}

function load(endpoint: Balanced): number {
  return endpoint.outstanding / endpoint.weight;
}
