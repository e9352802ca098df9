import { EventSource } from '../resilience/index.js';
import type { Discovery } from './discovery/index.js';
import { Endpoint, type EndpointSpec } from './endpoint.js';
import type { TransportOptions } from './http-transport.js';

/**
 * The current endpoints of one upstream, kept in step with discovery. A new endpoint is used at
 * once; one that left takes no new calls, finishes those in flight, and then closes its
 * connections, so a change never drops a call. An endpoint that stays keeps its pool and health.
 */
export interface EndpointChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export class EndpointSet {
  /** When discovery adds or removes endpoints. */
  readonly onChange = new EventSource<EndpointChange>();
  private current: readonly Endpoint[] = [];
  private readonly retiring = new Set<Endpoint>();
  private readonly ready: Promise<void>;
  private closed = false;

  constructor(
    readonly discovery: Discovery,
    private readonly transport: TransportOptions,
  ) {
    this.ready = discovery.start((specs) => this.replace(specs));
  }

  get all(): readonly Endpoint[] {
    return this.current;
  }

  /**
   * The endpoints, once the first lookup has settled (only DNS discovery makes anyone wait). Like
   * every wait below the deadline stage, rejects with the signal's reason once the signal has fired
   * (before or during the wait), which that stage turns into a timeout or a cancellation.
   */
  async whenReady(signal: AbortSignal): Promise<readonly Endpoint[]> {
    if (this.current.length === 0 && !signal.aborted) {
      let onAbort: () => void = () => undefined;
      const aborted = new Promise<void>((resolve) => {
        onAbort = resolve;
        signal.addEventListener('abort', onAbort, { once: true });
      });
      await Promise.race([this.ready, aborted]);
      signal.removeEventListener('abort', onAbort);
    }
    signal.throwIfAborted();
    return this.current;
  }

  replace(specs: readonly EndpointSpec[]): void {
    if (this.closed) return;
    const byUrl = new Map(this.current.map((endpoint) => [endpoint.url, endpoint]));
    const next: Endpoint[] = [];
    const added: string[] = [];
    for (const spec of specs) {
      const kept = byUrl.get(spec.url);
      byUrl.delete(spec.url);
      if (kept) kept.weight = spec.weight;
      else added.push(spec.url);
      next.push(kept ?? new Endpoint(spec, this.transport));
    }
    this.current = next;
    for (const gone of byUrl.values()) {
      this.retiring.add(gone);
      void gone.retire().then(() => this.retiring.delete(gone));
    }
    if (added.length > 0 || byUrl.size > 0) this.onChange.emit({ added, removed: [...byUrl.keys()] });
  }

  /** Endpoints that left and still finish calls. */
  get draining(): number {
    return this.retiring.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.discovery.close();
    const all = [...this.current, ...this.retiring];
    this.current = [];
    this.retiring.clear();
    await Promise.all(all.map((endpoint) => endpoint.close()));
  }
}
