import type { Balanced, Balancer } from './balancer.js';

/**
 * Smooth weighted round robin (nginx's): weights 5, 1, 1 give a a b a c a a, spreading the heavy
 * endpoint's turns instead of sending it five calls in a row. Each pick adds every candidate's
 * weight to its current value, takes the highest, and lowers that one by the total.
 */
export class WeightedRoundRobinBalancer implements Balancer {
  private readonly current = new WeakMap<Balanced, number>();

  pick<E extends Balanced>(candidates: readonly E[]): E {
    let total = 0;
    let best = candidates[0]!;
    let bestValue = -Infinity;
    for (const candidate of candidates) {
      const value = (this.current.get(candidate) ?? 0) + candidate.weight;
      this.current.set(candidate, value);
      total += candidate.weight;
      if (value > bestValue) {
        best = candidate;
        bestValue = value;
      }
    }
    this.current.set(best, bestValue - total);
    return best;
  }
}
