import { describe, expect, it } from 'vitest';
import { Bulkhead, BulkheadRejectedError, isBulkheadRejectedError } from '../../../src/resilience/index.js';

/** A task the test finishes by hand. */
function gate(): { promise: Promise<string>; open: (value?: string) => void } {
  let open!: (value?: string) => void;
  const promise = new Promise<string>((resolve) => {
    open = (value = 'done') => resolve(value);
  });
  return { promise, open };
}

describe('Bulkhead', () => {
  it('runs up to maxConcurrent at once, queues up to maxQueue, and refuses the rest at once', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 2, maxQueue: 1, queueTimeoutMs: 10_000 });
    const gates = [gate(), gate(), gate()];
    let started = 0;
    const run = (index: number) =>
      bulkhead.execute(() => {
        started++;
        return gates[index]!.promise;
      });
    const first = run(0);
    const second = run(1);
    const third = run(2);
    await expect(bulkhead.execute(() => Promise.resolve('never'))).rejects.toSatisfy(
      (error) => isBulkheadRejectedError(error) && (error as BulkheadRejectedError).reason === 'full',
    );
    expect(started).toBe(2);
    expect(bulkhead.snapshot()).toMatchObject({ inUse: 2, queued: 1, rejected: 1 });

    gates[0]!.open('a');
    await expect(first).resolves.toBe('a');
    await expect.poll(() => started).toBe(3); // the queued call got the freed slot
    gates[1]!.open('b');
    gates[2]!.open('c');
    await expect(Promise.all([second, third])).resolves.toEqual(['b', 'c']);
    expect(bulkhead.snapshot()).toMatchObject({ inUse: 0, queued: 0 });
  });

  it('refuses a queued call whose wait exceeds queueTimeoutMs, and frees its place', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 30 });
    const busy = gate();
    const running = bulkhead.execute(() => busy.promise);
    const error = await bulkhead.execute(() => Promise.resolve('late')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BulkheadRejectedError);
    expect((error as BulkheadRejectedError).reason).toBe('queue-timeout');
    expect(bulkhead.snapshot()).toMatchObject({ inUse: 1, queued: 0 });
    busy.open();
    await running;
  });

  it('rejects with the signal reason when the caller gives up while queued', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 10_000 });
    const busy = gate();
    const running = bulkhead.execute(() => busy.promise);
    const controller = new AbortController();
    const queued = bulkhead.execute(() => Promise.resolve('x'), controller.signal);
    const reason = new Error('client went away');
    controller.abort(reason);
    await expect(queued).rejects.toBe(reason);
    expect(bulkhead.snapshot().queued).toBe(0);
    busy.open();
    await running;
    expect(bulkhead.snapshot().inUse).toBe(0);
  });

  it('frees the slot when the work fails', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 0, queueTimeoutMs: 10 });
    await expect(bulkhead.execute(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(bulkhead.execute(() => Promise.resolve(1))).resolves.toBe(1);
  });
});
