import type { Logger } from 'pino';
import type { CompiledRoute, RouteInput } from '../mapping/index.js';
import { isGatewayError } from '../problem/index.js';
import { compileComparison } from './compare.js';
import { decide, type Decision } from './decide.js';
import { usesModern, type TargetName } from './flag.js';
import type { FlagService } from './flag-service.js';
import { SlidingGuard, type GuardVerdict } from './guard.js';
import { overrideHeader, verifyOverride } from './override.js';
import { ShadowReport, type ShadowSnapshot } from './shadow-report.js';
import { runWithTimeout } from '../resilience/index.js';

/** Shadow calls are bounded by their own deadline only: the client's request is long answered. */
const neverAborted = new AbortController().signal;

/** How one shadow call ended: compared (matched or not), failed, or skipped (too many in flight). */
export interface ShadowOutcome {
  readonly route: string;
  readonly outcome: 'matched' | 'mismatched' | 'secondary_failed' | 'skipped';
}

export interface ShadowSettings {
  /** Shadow calls in flight at most, over all routes; more are skipped and counted. */
  readonly maxConcurrent: number;
  /** The shadow call's own deadline. */
  readonly timeoutMs: number;
  /** Mismatch samples kept per route. */
  readonly samples: number;
}

export interface StranglerOptions {
  readonly flags: FlagService;
  readonly routes: readonly CompiledRoute[];
  readonly shadow: ShadowSettings;
  readonly overrideSecret: string | undefined;
  readonly logger: Logger;
}

export interface RequestContext {
  readonly input: RouteInput;
  readonly requestId: string | undefined;
  header(name: string): string | undefined;
  /** The value of the route's sticky key in this request ({@link stickyKeyOf}), read once. */
  readonly stickyKey: string | undefined;
}

interface RouteState {
  readonly route: CompiledRoute;
  readonly comparison: ReturnType<typeof compileComparison>;
  readonly report: ShadowReport;
  readonly guard: SlidingGuard | undefined;
  readonly shadowable: boolean;
  fallbacks: number;
  overrides: number;
  rollingBack: boolean;
}

/**
 * Strangler-fig routing for every route: which target answers (flag, canary bucket, signed
 * override), the shadow call and its comparison, fallbacks, and guards that roll a flag back.
 */
export class Strangler {
  private readonly states = new Map<string, RouteState>();
  private shadowsInFlight = 0;
  private readonly shadowListeners = new Set<(outcome: ShadowOutcome) => void>();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: StranglerOptions) {
    for (const route of options.routes) {
      const comparison = compileComparison(route.routing.compare);
      this.states.set(route.id, {
        route,
        comparison,
        report: new ShadowReport(comparison, options.shadow.samples),
        guard: route.routing.guards ? new SlidingGuard(route.routing.guards) : undefined,
        shadowable: route.method === 'GET' || route.routing.shadow === 'safe',
        fallbacks: 0,
        overrides: 0,
        rollingBack: false,
      });
    }
    this.unsubscribe = options.flags.onChange((event) => this.states.get(event.route)?.guard?.reset());
  }

  /** Stops listening to the flag log (a reload replaced this strangler); shadows in flight finish. */
  close(): void {
    this.unsubscribe();
  }

  /** Each shadow call's outcome, for metrics; returns the function that stops listening. */
  onShadowOutcome(listener: (outcome: ShadowOutcome) => void): () => void {
    this.shadowListeners.add(listener);
    return () => this.shadowListeners.delete(listener);
  }

  get flags(): FlagService {
    return this.options.flags;
  }

  decide(route: CompiledRoute, context: RequestContext): Decision {
    const forced = this.override(route, context);
    if (forced) return { primary: forced, secondary: undefined };
    const decision = decide(this.options.flags.flagOf(route.id), route.id, context.stickyKey);
    const state = this.states.get(route.id);
    return decision.secondary === undefined || state?.shadowable ? decision : { primary: decision.primary, secondary: undefined };
  }

  /**
   * Calls the secondary target on the side and compares. Never awaited by the request: it cannot
   * delay or fail the client's answer. `run` gets the shadow's own deadline.
   */
  shadow(route: CompiledRoute, primary: TargetName, primaryAnswer: unknown, run: (signal: AbortSignal) => Promise<unknown>, context: RequestContext): void {
    const state = this.states.get(route.id);
    if (!state) return;
    if (this.shadowsInFlight >= this.options.shadow.maxConcurrent) {
      state.report.recordSkip();
      this.shadowed(route.id, 'skipped');
      return;
    }
    this.shadowsInFlight++;
    const secondaryIsModern = primary === 'legacy';
    runWithTimeout(neverAborted, this.options.shadow.timeoutMs, run)
      .then(
        (secondaryAnswer) => {
          if (secondaryIsModern) this.recordModernCall(route, false);
          const differences = state.comparison.diff(primaryAnswer, secondaryAnswer);
          this.shadowed(route.id, differences.length === 0 ? 'matched' : 'mismatched');
          if (differences.length === 0) state.report.recordMatch();
          else state.report.recordMismatch(differences, { requestId: context.requestId, primary, input: { params: { ...context.input.params }, query: { ...context.input.query } } });
          this.judge(state, state.guard?.recordComparison(differences.length > 0));
        },
        (error: unknown) => {
          state.report.recordSecondaryFailure();
          this.shadowed(route.id, 'secondary_failed');
          if (secondaryIsModern) this.recordModernCall(route, isServerFailure(error));
          // A problem's detail may quote the input (a customer id): only its type is logged.
          const failure = isGatewayError(error) ? { problem: error.slug, status: error.status } : { err: error };
          this.options.logger.debug({ route: route.id, requestId: context.requestId, ...failure }, 'shadow call failed');
        },
      )
      .finally(() => {
        this.shadowsInFlight--;
      });
  }

  private shadowed(route: string, outcome: ShadowOutcome['outcome']): void {
    for (const listener of this.shadowListeners) listener({ route, outcome });
  }

  /** A modern call ended (as primary or shadow); failures count toward the route's guard. */
  recordModernCall(route: CompiledRoute, failed: boolean): void {
    const state = this.states.get(route.id);
    if (state) this.judge(state, state.guard?.recordCall(failed));
  }

  recordFallback(route: CompiledRoute): void {
    const state = this.states.get(route.id);
    if (state) state.fallbacks++;
  }

  shadowReport(routeId: string): ShadowSnapshot | undefined {
    return this.states.get(routeId)?.report.snapshot();
  }

  routeCounters(): Record<string, { fallbacks: number; overrides: number }> {
    return Object.fromEntries([...this.states].map(([id, state]) => [id, { fallbacks: state.fallbacks, overrides: state.overrides }]));
  }

  private override(route: CompiledRoute, context: RequestContext): TargetName | undefined {
    const header = context.header(overrideHeader);
    if (header === undefined) return undefined;
    const verdict = verifyOverride(header, this.options.overrideSecret, route.id);
    const log = { route: route.id, requestId: context.requestId };
    if (!verdict.ok) {
      this.options.logger.warn({ ...log, reason: verdict.reason }, 'override header refused');
      return undefined;
    }
    if (verdict.target === 'modern' && !route.modern) {
      this.options.logger.warn({ ...log, reason: 'the route has no modern target' }, 'override header refused');
      return undefined;
    }
    const state = this.states.get(route.id);
    if (state) state.overrides++;
    this.options.logger.info({ ...log, target: verdict.target }, 'override header used');
    return verdict.target;
  }

  private judge(state: RouteState, verdict: GuardVerdict | undefined): void {
    if (!verdict || state.rollingBack) return;
    const flags = this.options.flags;
    if (!usesModern(flags.flagOf(state.route.id))) return;
    state.rollingBack = true;
    const previous = flags.previousFlag(state.route.id);
    flags
      .change({ route: state.route.id, flag: previous, actor: 'guard', reason: verdict.reason, ifVersion: flags.version })
      .then(
        (result) => this.options.logger.warn({ route: state.route.id, event: result.event }, 'guard rolled the flag back'),
        (error: unknown) => this.options.logger.error({ route: state.route.id, err: error }, 'guard could not roll the flag back'),
      )
      .finally(() => {
        state.rollingBack = false;
      });
  }
}

/**
 * The value of a route's declared sticky key (`params.id`, `query.x`, `header.x`) in a request: it
 * keeps a canary sticky and is the key of consistent-hash balancing.
 */
export function stickyKeyOf(route: CompiledRoute, input: RouteInput, header: (name: string) => string | undefined): string | undefined {
  const key = route.stickyKey;
  if (key === undefined) return undefined;
  const value = key.from === 'header' ? header(key.name) : input[key.from][key.name];
  return value === undefined || value === null ? undefined : String(value);
}

/**
 * Only the upstream's own failures count against modern: a 404 is an answer, not an outage.
 * Anything that is not a GatewayError is a failure of the gateway's own, and counts.
 */
export function isServerFailure(error: unknown): boolean {
  return !isGatewayError(error) || error.status >= 500;
}
