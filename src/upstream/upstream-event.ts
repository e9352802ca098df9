import type { BreakerState } from '../resilience/index.js';

/** Something operators should see in the logs. */
export type UpstreamEvent =
  | { readonly kind: 'breaker'; readonly upstream: string; readonly breaker: string; readonly from: BreakerState; readonly to: BreakerState }
  | { readonly kind: 'ejected'; readonly upstream: string; readonly endpoint: string; readonly until: string; readonly ejections: number }
  | { readonly kind: 'health'; readonly upstream: string; readonly endpoint: string; readonly healthy: boolean; readonly detail: string }
  | { readonly kind: 'endpoints'; readonly upstream: string; readonly added: readonly string[]; readonly removed: readonly string[] };

/** `warn` for trouble (a breaker opening, an ejection, an endpoint failing its checks), `info` for the rest. */
export function upstreamEventLevel(event: UpstreamEvent): 'warn' | 'info' {
  switch (event.kind) {
    case 'breaker':
      return event.to === 'closed' ? 'info' : 'warn';
    case 'health':
      return event.healthy ? 'info' : 'warn';
    case 'ejected':
      return 'warn';
    case 'endpoints':
      return 'info';
  }
}
