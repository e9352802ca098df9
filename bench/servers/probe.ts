import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * The child side of the benchmark's process protocol. Every server of the benchmark (upstreams
 * and gateways under test) runs in its own process started with `fork()`, calls `serveBench`, and
 * then answers its parent over IPC:
 *
 * - it sends `{ type: 'ready', url }` once listening (or `{ type: 'failed', message }`);
 * - `{ type: 'reset' }` clears its event-loop delay histogram (after the warm-up);
 * - `{ type: 'stats' }` is answered with its event-loop delay since the last reset;
 * - `{ type: 'stop' }` closes it and exits, which also writes a `--cpu-prof` profile.
 *
 * It exits by itself when the parent goes away, so a crashed benchmark leaves nothing running.
 */

export interface BenchServer {
  readonly url: string;
  close(): Promise<void>;
}

export type ParentMessage = { type: 'reset' } | { type: 'stats' } | { type: 'stop' };

export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'failed'; message: string }
  | { type: 'reset' }
  | { type: 'stats'; eventLoop: EventLoopStats };

/** Event-loop delay in milliseconds, sampled every millisecond (the sampling interval is included). */
export interface EventLoopStats {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly samples: number;
}

/** The options a parent passes to a server: the JSON in argv[2]. */
export function benchOptions<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

export async function serveBench(start: () => Promise<BenchServer>): Promise<void> {
  const send = (message: ChildMessage): void => {
    process.send?.(message);
  };
  process.on('disconnect', () => process.exit(0));
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let server: BenchServer;
  try {
    server = await start();
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
    process.exit(1);
  }
  histogram.enable();
  process.on('message', (message: ParentMessage) => {
    switch (message.type) {
      case 'reset':
        histogram.reset();
        send({ type: 'reset' });
        return;
      case 'stats':
        send({
          type: 'stats',
          eventLoop: {
            p50: histogram.percentile(50) / 1e6,
            p99: histogram.percentile(99) / 1e6,
            max: histogram.max / 1e6,
            samples: histogram.count,
          },
        });
        return;
      case 'stop':
        histogram.disable();
        void server.close().finally(() => process.exit(0));
        // A server that cannot close in time is not worth waiting for.
        setTimeout(() => process.exit(0), 2_000).unref();
        return;
    }
  });
  send({ type: 'ready', url: server.url });
}
