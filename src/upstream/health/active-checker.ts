import { EventSource, runWithTimeout } from '../../resilience/index.js';
import type { UpstreamRequest } from '../call.js';
import type { Endpoint } from '../endpoint.js';
import { isUpstreamError } from '../upstream-error.js';
import type { CheckThresholds } from './endpoint-health.js';

/**
 * Active health checks: every `intervalMs`, each endpoint gets one request (an HTTP GET of a path,
 * or a POST of a cheap SOAP operation's envelope); a 2xx answer within `timeoutMs` passes. The
 * verdict changes after `healthyThreshold` / `unhealthyThreshold` checks in a row.
 */
export interface HealthCheckOptions extends CheckThresholds {
  readonly method: 'GET' | 'POST';
  /** Appended to the endpoint URL, like a call's path: `?wsdl`, `/health`, or '' for the endpoint itself. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

export interface HealthChange {
  readonly endpoint: string;
  readonly healthy: boolean;
  /** The last check's result: `HTTP 503`, `timeout`, `connect` … */
  readonly detail: string;
}

export class ActiveHealthChecker {
  /** When an endpoint's verdict changes. */
  readonly onChange = new EventSource<HealthChange>();
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Endpoint>();
  private readonly stopped = new AbortController();
  private readonly request: UpstreamRequest;

  constructor(
    private readonly options: HealthCheckOptions,
    private readonly endpoints: () => readonly Endpoint[],
  ) {
    this.request = {
      method: options.method,
      path: options.path,
      headers: options.headers,
      body: options.body,
      operation: 'health-check',
      idempotent: true,
    };
  }

  /** Checks every endpoint now, then every `intervalMs`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.checkAll(), this.options.intervalMs);
    this.timer.unref();
    this.checkAll();
  }

  /** Stops the timer and aborts the checks in flight. */
  close(): void {
    clearInterval(this.timer);
    this.stopped.abort();
  }

  /** One round; an endpoint whose previous check is still running is skipped. */
  checkAll(): void {
    for (const endpoint of this.endpoints()) {
      if (this.inFlight.has(endpoint)) continue;
      this.inFlight.add(endpoint);
      void this.check(endpoint).finally(() => this.inFlight.delete(endpoint));
    }
  }

  private async check(endpoint: Endpoint): Promise<void> {
    let ok: boolean;
    let detail: string;
    try {
      const reply = await runWithTimeout(this.stopped.signal, this.options.timeoutMs, (signal) => endpoint.probe(this.request, signal));
      ok = reply.status >= 200 && reply.status < 300;
      detail = `HTTP ${reply.status}`;
    } catch (error) {
      ok = false;
      detail = isUpstreamError(error) ? error.failure : 'error';
    }
    if (this.stopped.signal.aborted) return;
    if (endpoint.health.recordCheck(ok, detail, this.options)) this.onChange.emit({ endpoint: endpoint.url, healthy: ok, detail });
  }
}
