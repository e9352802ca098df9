import { eventsUntil, foldFlags, versionOf, type FlagEvent } from './flag-log.js';
import { describeFlag, legacyFlag, sameFlag, usesModern, type Flag } from './flag.js';
import { isVersionConflict, type FlagStore } from './flag-store.js';

/** What the flag service must know of each route. */
export interface FlaggedRoute {
  readonly id: string;
  readonly hasModern: boolean;
}

export type FlagChangeErrorKind = 'unknown-route' | 'no-modern-target' | 'stale-version' | 'no-change';

export class FlagChangeError extends Error {
  constructor(
    readonly kind: FlagChangeErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'FlagChangeError';
  }
}

export function isFlagChangeError(error: unknown): error is FlagChangeError {
  return error instanceof FlagChangeError;
}

export interface FlagChange {
  readonly route: string;
  readonly flag: Flag;
  readonly actor: string;
  readonly reason: string;
  /** Optimistic concurrency: refuse unless the log is still at this version. */
  readonly ifVersion?: number;
  /** Validate and show the event without recording it. */
  readonly dryRun?: boolean;
}

export interface FlagChangeResult {
  readonly event: FlagEvent;
  readonly recorded: boolean;
}

/**
 * The current routing table, kept as the fold of the flag log. Reads are a map lookup (the
 * request path asks on every request); a change is appended to the store first and only then
 * becomes visible, so what routes is always what was recorded.
 */
export class FlagService {
  private events: FlagEvent[] = [];
  private table = new Map<string, Flag>();
  private readonly listeners = new Set<(event: FlagEvent) => void>();
  private changes: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: FlagStore,
    private routes: ReadonlyMap<string, FlaggedRoute>,
  ) {}

  /** A reloaded configuration's routes; returns warnings about flags that no longer fit. */
  useRoutes(routes: readonly FlaggedRoute[]): string[] {
    this.routes = new Map(routes.map((route) => [route.id, route]));
    return this.mismatchWarnings();
  }

  private mismatchWarnings(): string[] {
    const warnings: string[] = [];
    for (const [route, flag] of this.table) {
      const known = this.routes.get(route);
      if (!known) warnings.push(`the flag log names route ${route}, which no mapping declares; it is ignored`);
      else if (!known.hasModern && usesModern(flag)) {
        warnings.push(`route ${route} is flagged ${describeFlag(flag)} but has no modern target; it is routed to legacy`);
      }
    }
    return warnings;
  }

  /** Loads the log; warnings (a repaired torn line, events of routes that no longer exist) are returned. */
  static async open(store: FlagStore, routes: readonly FlaggedRoute[]): Promise<{ service: FlagService; warnings: string[] }> {
    const service = new FlagService(store, new Map(routes.map((route) => [route.id, route])));
    const { events, warnings } = await store.load();
    service.events = events;
    service.table = foldFlags(events);
    warnings.push(...service.mismatchWarnings());
    return { service, warnings };
  }

  /** The flag that routes this request (hot path). */
  flagOf(route: string): Flag {
    const flag = this.table.get(route);
    if (flag === undefined || (usesModern(flag) && this.routes.get(route)?.hasModern !== true)) return legacyFlag;
    return flag;
  }

  get version(): number {
    return versionOf(this.events);
  }

  /** Every known route's flag, now or as it was at a past time. */
  snapshot(at?: Date): { version: number; flags: Record<string, Flag> } {
    const events = at === undefined ? this.events : eventsUntil(this.events, at);
    const table = at === undefined ? this.table : foldFlags(events);
    const version = versionOf(events);
    const flags: Record<string, Flag> = {};
    for (const route of [...this.routes.keys()].sort()) flags[route] = table.get(route) ?? legacyFlag;
    return { version, flags };
  }

  history(route?: string): FlagEvent[] {
    return route === undefined ? [...this.events] : this.events.filter((event) => event.route === route);
  }

  /** The stage before the current one, for rolling back (guards). */
  previousFlag(route: string): Flag {
    const last = this.events.findLast((event) => event.route === route);
    return last?.from ?? legacyFlag;
  }

  /** Changes are applied one at a time, so each sees the version the previous one left. */
  change(change: FlagChange): Promise<FlagChangeResult> {
    const next = this.changes.then(() => this.applyChange(change));
    this.changes = next.catch(() => undefined);
    return next;
  }

  private async applyChange(change: FlagChange): Promise<FlagChangeResult> {
    const route = this.routes.get(change.route);
    if (!route) throw new FlagChangeError('unknown-route', `no route ${change.route}; known: ${[...this.routes.keys()].join(', ')}`);
    if (usesModern(change.flag) && !route.hasModern) {
      throw new FlagChangeError('no-modern-target', `route ${change.route} has no modern target, so it can only be legacy`);
    }
    const expected = change.ifVersion ?? this.version;
    if (expected !== this.version) throw staleVersion(expected, this.version);
    const current = this.table.get(change.route);
    const draft = { at: new Date().toISOString(), route: change.route, from: current ?? null, to: change.flag, actor: change.actor, reason: change.reason };
    if (current !== undefined && sameFlag(current, change.flag)) {
      throw new FlagChangeError('no-change', `route ${change.route} is already ${describeFlag(change.flag)}`);
    }
    if (change.dryRun) return { event: { seq: this.version + 1, ...draft }, recorded: false };
    let event: FlagEvent;
    try {
      event = await this.store.append(draft, expected);
    } catch (error) {
      if (isVersionConflict(error)) throw staleVersion(error.expected, error.actual);
      throw error;
    }
    this.events.push(event);
    this.table.set(event.route, event.to);
    for (const listener of this.listeners) listener(event);
    return { event, recorded: true };
  }

  onChange(listener: (event: FlagEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

function staleVersion(expected: number, actual: number): FlagChangeError {
  return new FlagChangeError('stale-version', `the flag log is at version ${actual}, not ${expected}; reload the flags and try again`);
}
