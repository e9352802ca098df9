import type { Balanced, Balancer } from './balancer.js';

/** Each candidate in turn, weights ignored. */
export class RoundRobinBalancer implements Balancer {
  private next = 0;

  pick<E extends Balanced>(candidates: readonly E[]): E {
    const index = this.next % candidates.length;
    this.next = (index + 1) % Number.MAX_SAFE_INTEGER;
    return candidates[index]!;
  }
}
