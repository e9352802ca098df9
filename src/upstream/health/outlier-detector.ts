import { EventSource } from '../../resilience/index.js';
import type { Endpoint } from '../endpoint.js';

/**
 * Passive outlier ejection, after Envoy's: an endpoint whose real calls fail `consecutiveFailures`
 * times in a row (server faults, 5xx, connection errors, timeouts) is taken out of balancing for
 * `baseEjectionMs` times its number of ejections (at most `maxEjectionMs`), unless that would eject
 * more than `maxEjectionPercent` of the endpoints (one endpoint may always be ejected). It returns
 * by itself when the time is up; if it fails again it is ejected for longer.
 */
export interface OutlierDetectionOptions {
  readonly enabled: boolean;
  readonly consecutiveFailures: number;
  readonly baseEjectionMs: number;
  readonly maxEjectionMs: number;
  readonly maxEjectionPercent: number;
}

export interface Ejection {
  readonly endpoint: string;
  /** ISO time it returns. */
  readonly until: string;
  readonly ejections: number;
}

export class OutlierDetector {
  readonly onEject = new EventSource<Ejection>();

  constructor(private readonly options: OutlierDetectionOptions) {}

  /** Records a real call's outcome on `endpoint`; ejects it when it crossed the threshold. */
  record(endpoint: Endpoint, failed: boolean, all: readonly Endpoint[], now = Date.now()): void {
    if (!this.options.enabled) return;
    const failures = endpoint.health.recordOutcome(failed);
    if (failures < this.options.consecutiveFailures || endpoint.health.isEjected(now)) return;
    if (!this.mayEject(all, now)) return;
    endpoint.health.eject(this.options.baseEjectionMs, this.options.maxEjectionMs, now);
    const { ejectedUntil, ejections } = endpoint.health.snapshot(now);
    this.onEject.emit({ endpoint: endpoint.url, until: ejectedUntil ?? '', ejections });
  }

  private mayEject(all: readonly Endpoint[], now: number): boolean {
    const ejected = all.filter((endpoint) => endpoint.health.isEjected(now)).length;
    const allowed = Math.max(1, Math.floor((all.length * this.options.maxEjectionPercent) / 100));
    return ejected < allowed;
  }
}
