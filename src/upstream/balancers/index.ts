import type { Balancer, BalancerKind, Random } from './balancer.js';
import { ConsistentHashBalancer } from './consistent-hash.js';
import { LeastOutstandingBalancer } from './least-outstanding.js';
import { RandomBalancer } from './random.js';
import { RoundRobinBalancer } from './round-robin.js';
import { WeightedRoundRobinBalancer } from './weighted-round-robin.js';

export { balancerKinds, type Balanced, type BalanceKey, type Balancer, type BalancerKind, type Random } from './balancer.js';
export { ConsistentHashBalancer, LeastOutstandingBalancer, RandomBalancer, RoundRobinBalancer, WeightedRoundRobinBalancer };

/** The balancer gateway.yaml names, one instance per upstream (some keep state between picks). */
export function createBalancer(kind: BalancerKind, random: Random = Math.random): Balancer {
  switch (kind) {
    case 'round-robin':
      return new RoundRobinBalancer();
    case 'weighted-round-robin':
      return new WeightedRoundRobinBalancer();
    case 'least-outstanding':
      return new LeastOutstandingBalancer(random);
    case 'consistent-hash':
      return new ConsistentHashBalancer(random);
    case 'random':
      return new RandomBalancer(random);
  }
}
