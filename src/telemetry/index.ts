export { createLogger, forRequestLines, withRedaction, type Logger, type LoggerOptions } from './logger.js';
export { GatewayMetrics, type GatewayMetricsOptions, type MeasuredRuntime, type MeasuredStrangler, type MeasuredUpstreams } from './metrics.js';
export { requestTelemetry, type RequestRecorder, type RequestTelemetryOptions, type TelemetryVariables } from './request-middleware.js';
export { inSpan, RequestTelemetry, type CallTelemetry, type RouteName, type UpstreamAttempt } from './request-telemetry.js';
export { createTracing, incomingTraceContext, otlpTracesUrl, passThroughTracing, type HeaderGetter, type Tracing } from './tracing.js';
