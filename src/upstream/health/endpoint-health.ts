/**
 * What is known about one endpoint's health: the verdict of active checks (with thresholds, so one
 * lost probe does not flap it) and its passive outlier state (consecutive failures of real calls,
 * ejections). An endpoint takes traffic while it is healthy and not ejected.
 */

export interface CheckThresholds {
  /** Consecutive passed checks that make an unhealthy endpoint healthy. */
  readonly healthyThreshold: number;
  /** Consecutive failed checks that make a healthy endpoint unhealthy. */
  readonly unhealthyThreshold: number;
}

export interface EndpointHealthSnapshot {
  /** The active checks' verdict; true while no check is configured or none has failed enough. */
  readonly healthy: boolean;
  readonly lastCheck: { readonly at: string; readonly ok: boolean; readonly detail: string } | null;
  readonly ejected: boolean;
  /** ISO time an ejected endpoint returns. */
  readonly ejectedUntil: string | null;
  /** Ejections so far; each one lasts longer. */
  readonly ejections: number;
  /** Server failures of real calls in a row. */
  readonly consecutiveFailures: number;
}

export class EndpointHealth {
  private healthy = true;
  private checkStreak = 0;
  private lastCheck: EndpointHealthSnapshot['lastCheck'] = null;
  private failures = 0;
  private ejections = 0;
  private ejectedUntil = 0;
  private returnedAt = 0;

  /** Records an active check; returns true when the verdict changed. */
  recordCheck(ok: boolean, detail: string, thresholds: CheckThresholds, now = Date.now()): boolean {
    this.lastCheck = { at: new Date(now).toISOString(), ok, detail };
    // The streak counts checks that disagree with the current verdict.
    if (ok === this.healthy) {
      this.checkStreak = 0;
      return false;
    }
    this.checkStreak++;
    const needed = ok ? thresholds.healthyThreshold : thresholds.unhealthyThreshold;
    if (this.checkStreak < needed) return false;
    this.healthy = ok;
    this.checkStreak = 0;
    return true;
  }

  /** Records a real call's outcome; returns the failures in a row so far (0 after a success). */
  recordOutcome(failed: boolean): number {
    this.failures = failed ? this.failures + 1 : 0;
    return this.failures;
  }

  /**
   * Ejects for `baseMs` times the number of ejections in a row, at most `maxMs`. An endpoint that
   * stayed back for `maxMs` since its last ejection starts again from `baseMs`.
   */
  eject(baseMs: number, maxMs: number, now = Date.now()): void {
    if (this.ejections > 0 && now - this.returnedAt >= maxMs) this.ejections = 0;
    this.ejections++;
    this.ejectedUntil = now + Math.min(maxMs, baseMs * this.ejections);
    this.returnedAt = this.ejectedUntil;
    this.failures = 0;
  }

  isEjected(now = Date.now()): boolean {
    return now < this.ejectedUntil;
  }

  get isHealthy(): boolean {
    return this.healthy;
  }

  /** Healthy by the checks and not ejected: it takes traffic (unless the set is in panic). */
  isAvailable(now = Date.now()): boolean {
    return this.healthy && !this.isEjected(now);
  }

  snapshot(now = Date.now()): EndpointHealthSnapshot {
    const ejected = this.isEjected(now);
    return {
      healthy: this.healthy,
      lastCheck: this.lastCheck,
      ejected,
      ejectedUntil: ejected ? new Date(this.ejectedUntil).toISOString() : null,
      ejections: this.ejections,
      consecutiveFailures: this.failures,
    };
  }
}
