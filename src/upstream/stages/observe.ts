import { isBrokenCircuitError } from '../../resilience/index.js';
import { classifyReply, type Call, type ReplyClass, type Stage } from '../call.js';
import type { AttemptOutcome, UpstreamMeasurement } from '../measurement.js';
import { isUpstreamError, type UpstreamFailure } from '../upstream-error.js';

export interface ObserveOptions {
  readonly upstream: string;
  /** Receives one `attempt` measurement per attempt. */
  readonly measured: (measurement: UpstreamMeasurement) => void;
}

/**
 * Watches each attempt of a call: below the retries, so every attempt is seen, and above the
 * breaker, so a refusal by an open breaker is seen too (`breaker_open`). An attempt carries the
 * request's `x-request-id` and W3C trace context (`traceparent`, `tracestate`) as HTTP headers,
 * SOAP and JSON alike, is counted for the request's log line, has its own client span when
 * tracing is on, and is measured: outcome and duration.
 */
export function observe({ upstream, measured }: ObserveOptions): Stage {
  return (next: Call): Call =>
    async function observed(request, signal) {
      const attempt = request.telemetry?.attempt(upstream, request.operation, request.method);
      const sent = attempt ? { ...request, headers: { ...request.headers, ...attempt.headers } } : request;
      const started = performance.now();
      let outcome: AttemptOutcome = 'error';
      let status: number | undefined;
      let endpoint: string | undefined;
      try {
        const reply = await next(sent, signal);
        ({ status, endpoint } = reply);
        outcome = replyOutcomes[classifyReply(request, reply)];
        return reply;
      } catch (error) {
        outcome = errorOutcome(error);
        throw error;
      } finally {
        measured({ kind: 'attempt', upstream, operation: request.operation, outcome, seconds: (performance.now() - started) / 1000 });
        attempt?.end(outcome, status, endpoint);
      }
    };
}

const replyOutcomes: Readonly<Record<ReplyClass, AttemptOutcome>> = { ok: 'ok', 'client-error': 'client_error', 'server-error': 'server_error' };

const failureOutcomes: Readonly<Record<UpstreamFailure, AttemptOutcome>> = {
  connect: 'connect_error',
  reset: 'reset',
  timeout: 'timeout',
  'too-large': 'too_large',
  cancelled: 'cancelled',
};

function errorOutcome(error: unknown): AttemptOutcome {
  if (isUpstreamError(error)) return failureOutcomes[error.failure];
  if (isBrokenCircuitError(error)) return 'breaker_open';
  return 'error';
}
