import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { RequestTelemetry } from './request-telemetry.js';
import { passThroughTracing, type Tracing } from './tracing.js';

/** Where the request middleware reports each request's route, target, status and duration. */
export interface RequestRecorder {
  observeRequest(route: string, target: string, status: number, seconds: number): void;
}

export interface RequestTelemetryOptions {
  /** Failures of a request are logged here (`telemetry.log`); give it the configured redaction (`withRedaction`). */
  readonly logger: Logger;
  /** The request lines go here (`forRequestLines`); default `logger`. */
  readonly lineLogger?: Logger;
  /** Default: no spans, trace context passed through. */
  readonly tracing?: Tracing;
  readonly metrics?: RequestRecorder;
}

export type TelemetryVariables = { requestId: string; telemetry: RequestTelemetry };

/** A client's X-Request-Id is kept when it is a sane token; otherwise one is made. */
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Request ids, trace context, the request's span, its metrics and its one log line. Handlers
 * find the request's `RequestTelemetry` in `c.get('telemetry')` and name the route and target
 * there; the line is written when the answer is ready:
 *
 *   {"requestId":"…","traceId":"…","route":"customers.getCustomer","method":"GET","target":"legacy",
 *    "status":200,"ms":12,"attempts":1,"msg":"request"}
 *
 * It never holds a raw path, header or body; at debug level it adds the route input's params and
 * query, with the configured fields redacted by the logger.
 *
 * @example
 * app.use(requestTelemetry({ logger: withRedaction(logger, ['params.id']), lineLogger: forRequestLines(logger, ['params.id']), tracing, metrics }));
 */
export function requestTelemetry(options: RequestTelemetryOptions): MiddlewareHandler<{ Variables: TelemetryVariables }> {
  const { logger, lineLogger = logger, tracing = passThroughTracing, metrics } = options;
  return async function observed(c, next) {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming !== undefined && requestIdPattern.test(incoming) ? incoming : randomUUID();
    const span = tracing.startRequest((name) => c.req.header(name), c.req.method, { 'http.request.method': c.req.method });
    const telemetry = new RequestTelemetry(requestId, span, tracing, logger);
    c.set('requestId', requestId);
    c.set('telemetry', telemetry);
    c.header('x-request-id', requestId);
    try {
      await next();
    } finally {
      const status = c.res.status;
      const seconds = (performance.now() - started) / 1000;
      const { route, target } = telemetry;
      telemetry.finish(status);
      metrics?.observeRequest(route?.id ?? 'none', target ?? 'none', status, seconds);
      const line: Record<string, unknown> = {
        requestId,
        traceId: telemetry.traceId,
        route: route?.id,
        method: c.req.method,
        target,
        status,
        ms: Math.round(seconds * 1000),
        attempts: telemetry.attempts,
      };
      if (telemetry.input !== undefined && lineLogger.isLevelEnabled('debug')) line['input'] = telemetry.input;
      lineLogger.info(line, 'request');
    }
  };
}
