import type { EndpointSpec } from '../endpoint.js';

/**
 * Discovery tells an upstream which endpoints it has, now and whenever that changes. The
 * upstream adds new endpoints at once and lets removed ones finish their calls before closing them.
 */
export interface Discovery {
  /**
   * Starts reporting: `update` is called with the full list on every change. Resolves once the
   * first lookup has settled, whatever its result.
   */
  start(update: (endpoints: readonly EndpointSpec[]) => void): Promise<void>;
  /** Stops any timer and lookup in flight. */
  close(): void;
  snapshot(): DiscoverySnapshot;
}

export type DiscoverySnapshot =
  | { readonly kind: 'static' }
  | {
      readonly kind: 'dns';
      readonly name: string;
      readonly records: DnsRecordType;
      readonly intervalMs: number;
      /** ISO time of the last lookup that answered. */
      readonly lastResolvedAt: string | null;
      /** The error code of the last lookup, if it failed (the last known endpoints stay). */
      readonly lastError: string | null;
    };

export type DnsRecordType = 'A' | 'AAAA' | 'SRV';
