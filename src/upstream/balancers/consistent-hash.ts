import { hash } from 'node:crypto';
import type { Balanced, BalanceKey, Balancer, Random } from './balancer.js';
import { RandomBalancer } from './random.js';

/**
 * Consistent hashing on the call's `hashKey`, by rendezvous (highest random weight) hashing: each
 * candidate gets a score from hash(key) and hash(its URL), the highest wins. When an endpoint
 * leaves, only the keys it had move (each to its runner-up); when one joins, it takes only the keys
 * it now wins — about 1/n of them. Weighted by the logarithmic method, so an endpoint of weight 2
 * wins about twice as many keys. A call without a key goes to a random candidate.
 */
export class ConsistentHashBalancer implements Balancer {
  private readonly seeds = new WeakMap<Balanced, number>();
  private readonly fallback: RandomBalancer;

  constructor(random?: Random) {
    this.fallback = new RandomBalancer(random);
  }

  pick<E extends Balanced>(candidates: readonly E[], call: BalanceKey): E {
    if (call.hashKey === undefined) return this.fallback.pick(candidates);
    const key = hash32(call.hashKey);
    let best = candidates[0]!;
    let bestScore = -Infinity;
    for (const candidate of candidates) {
      const score = rendezvousScore(key, this.seedOf(candidate), candidate.weight);
      // Ties (practically never) go to the smaller URL, so the choice does not depend on order.
      if (score > bestScore || (score === bestScore && candidate.url < best.url)) {
        best = candidate;
        bestScore = score;
      }
    }
    return best;
  }

  private seedOf(endpoint: Balanced): number {
    let seed = this.seeds.get(endpoint);
    if (seed === undefined) {
      seed = hash32(endpoint.url);
      this.seeds.set(endpoint, seed);
    }
    return seed;
  }
}

/** The first 32 bits of the key's SHA-1: stable across processes and releases. */
function hash32(text: string): number {
  return hash('sha1', text, 'buffer').readUInt32LE(0);
}

/** -weight / ln(u), u uniform in (0, 1) from mixing key and endpoint: higher wins. */
function rendezvousScore(key: number, seed: number, weight: number): number {
  const unit = (mix32(key ^ seed) + 0.5) / 4294967296;
  return -weight / Math.log(unit);
}

/** MurmurHash3's finalizer: every input bit flips about half the output bits. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
