import type { Balanced, Balancer, Random } from './balancer.js';

/** A candidate at random, in proportion to its weight. */
export class RandomBalancer implements Balancer {
  constructor(private readonly random: Random = Math.random) {}

  pick<E extends Balanced>(candidates: readonly E[]): E {
    let total = 0;
    for (const candidate of candidates) total += candidate.weight;
    let point = this.random() * total;
    for (const candidate of candidates) {
      point -= candidate.weight;
      if (point < 0) return candidate;
    }
    return candidates[candidates.length - 1]!;
  }
}
