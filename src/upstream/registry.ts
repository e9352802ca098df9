import type { Limits, UpstreamConfig } from '../config/index.js';
import { Upstream, type UpstreamSnapshot } from './upstream.js';
import type { UpstreamMeasurement } from './measurement.js';
import type { UpstreamEvent } from './upstream-event.js';

/** Every upstream of gateway.yaml, built once at start; `close()` stops their timers and pools. */
export class UpstreamRegistry {
  private readonly upstreams = new Map<string, Upstream>();

  constructor(configs: Readonly<Record<string, UpstreamConfig>>, limits: Limits) {
    for (const [name, config] of Object.entries(configs)) this.upstreams.set(name, new Upstream(name, config, limits));
  }

  get(name: string): Upstream {
    const upstream = this.upstreams.get(name);
    if (!upstream) throw new Error(`no upstream named ${name}`);
    return upstream;
  }

  /** Every upstream's events, e.g. to log breaker changes and ejections. */
  onEvent(listener: (event: UpstreamEvent) => void): void {
    for (const upstream of this.upstreams.values()) upstream.events.on(listener);
  }

  /** Every upstream's measurements (attempts, retries, refusals), for metrics. */
  onMeasurement(listener: (measurement: UpstreamMeasurement) => void): void {
    for (const upstream of this.upstreams.values()) upstream.measurements.on(listener);
  }

  snapshot(): Record<string, UpstreamSnapshot> {
    return Object.fromEntries([...this.upstreams].map(([name, upstream]) => [name, upstream.snapshot()]));
  }

  async close(): Promise<void> {
    await Promise.all([...this.upstreams.values()].map((upstream) => upstream.close()));
  }
}
