import autocannon from 'autocannon';

/** One load run with autocannon: a fixed concurrency, or a fixed request rate over the connections. */
export interface LoadShape {
  readonly connections: number;
  /** Requests per second over all connections; absent: as fast as the connections allow. */
  readonly rate?: number;
  readonly seconds: number;
}

export interface LoadTarget {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface LoadFigures {
  /** Successful (2xx) answers per second. */
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly ok: number;
  /** Connection errors, timeouts and non-2xx answers. */
  readonly failed: number;
  /** The failures by kind, and the status codes seen (autocannon's counts). */
  readonly failures: { readonly errors: number; readonly timeouts: number; readonly non2xx: number; readonly statusCodes: Readonly<Record<string, number>> };
  readonly megabytesPerSecond: number;
}

export function runLoad(target: LoadTarget, shape: LoadShape): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: target.url,
        method: target.method,
        ...(target.headers ? { headers: { ...target.headers } } : {}),
        ...(target.body !== undefined ? { body: target.body } : {}),
        connections: shape.connections,
        duration: shape.seconds,
        ...(shape.rate !== undefined ? { overallRate: shape.rate } : {}),
        timeout: 20,
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const ok = result['2xx'];
        resolve({
          requestsPerSecond: ok / result.duration,
          latencyP50Ms: result.latency.p50,
          latencyP99Ms: result.latency.p99,
          ok,
          failed: result.errors + result.timeouts + result.non2xx,
          failures: {
            errors: result.errors,
            timeouts: result.timeouts,
            non2xx: result.non2xx,
            statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count])),
          },
          megabytesPerSecond: result.throughput.average / 1e6,
        });
      },
    );
  });
}
