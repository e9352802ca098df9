/**
 * Long parses take turns with everything else on the event loop: one slice per turn of the loop,
 * from a queue shared by all of them, so timers, sockets and other requests never wait for more
 * than one slice however many large replies are being read at once. The queue is first come,
 * first served: the oldest reply is finished before the next is started, which keeps one
 * half-built tree in memory rather than one per reply in flight.
 */

/** One slice of work; true when the work is done. */
export type Slice = () => boolean;

interface Job {
  readonly slice: Slice;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const queue: Job[] = [];
let scheduled = false;

/** Runs `slice` until it returns true, one call per turn of the event loop, after the jobs queued before it. */
export function runInSlices(slice: Slice): Promise<void> {
  return new Promise((resolve, reject) => {
    queue.push({ slice, resolve, reject });
    schedule();
  });
}

function schedule(): void {
  if (scheduled || queue.length === 0) return;
  scheduled = true;
  // An immediate queued while immediates run waits for the next turn: one slice per turn.
  setImmediate(runOne);
}

function runOne(): void {
  scheduled = false;
  const job = queue[0];
  if (job !== undefined) {
    try {
      if (job.slice()) finish(job).resolve();
    } catch (error) {
      finish(job).reject(error);
    }
  }
  schedule();
}

function finish(job: Job): Job {
  queue.shift();
  return job;
}

/** Resolves in a later turn of the event loop: lets timers and sockets run between two long steps. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
