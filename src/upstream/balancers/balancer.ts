/**
 * A balancer chooses one endpoint per attempt among the candidates health allows. Each kind is its
 * own module; an upstream names one in gateway.yaml (`balancer:`).
 */

/** What a balancer may read about an endpoint. */
export interface Balanced {
  readonly url: string;
  /** Relative share; 1 unless configured or given by SRV. */
  readonly weight: number;
  /** Calls in flight on it. */
  readonly outstanding: number;
}

/** What a balancer may read about a call. */
export interface BalanceKey {
  readonly hashKey?: string;
}

export interface Balancer {
  /** Picks one of `candidates`, which is never empty. */
  pick<E extends Balanced>(candidates: readonly E[], call: BalanceKey): E;
}

export const balancerKinds = ['round-robin', 'weighted-round-robin', 'least-outstanding', 'consistent-hash', 'random'] as const;
export type BalancerKind = (typeof balancerKinds)[number];

/** Uniform in [0, 1). Injected so that tests can fix the sequence. */
export type Random = () => number;
