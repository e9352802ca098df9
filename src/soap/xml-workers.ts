import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { KindedError } from './kinded-error.js';
import type { PackedDocument } from './xml-document.js';
import { XmlError, type XmlErrorKind } from './xml-error.js';
import type { XmlLimits } from './xml-tree.js';

/**
 * Large replies are parsed off the event loop: a few worker threads run the same parse as
 * `parseXml` (pre-scan, fast-xml-parser, tree) and send back the document in its packed form
 * (typed arrays, transferred, and two strings), which the event loop reads through lightweight
 * views. Nothing per element is deserialized on the event loop.
 *
 * - Workers start when first needed, idle ones never keep the process alive, and jobs wait in one
 *   queue, first come, first served. Workers run at a lower scheduling priority than the event
 *   loop (Linux): with every core busy, a parse waits rather than the gateway's other requests.
 * - A job is bounded: the caller's signal takes it out of the queue (or abandons it while it runs),
 *   and a worker that runs one job for longer than `hangMs` is terminated; a worker that dies is
 *   replaced. Its job is rejected with an {@link XmlWorkerError}: no request waits forever.
 */

export interface XmlWorkerPoolOptions {
  /** Threads; default min(2, available parallelism). */
  readonly size?: number;
  /** The module the workers run (tests point this at a misbehaving one); default `xml-worker.js`. */
  readonly workerUrl?: URL;
  /** How long (ms) one job may run before its worker counts as hung; default 2 s + 1 ms per KB. */
  readonly hangMs?: (bytes: number) => number;
  /** The old-generation heap of each worker (MB): a hostile document kills its worker, not the gateway. */
  readonly maxHeapMb?: number;
  /**
   * The young generation of each worker (MB; default 128). A parse allocates a tree that lives
   * until the parse ends: with room for it all, the tree dies young instead of being copied by
   * every scavenge and then marked in the old generation (about a sixth of a 1 MB reply's CPU).
   */
  readonly youngGenerationMb?: number;
  /**
   * How much lower than the event loop's the workers' scheduling priority is (a Linux nice
   * increment, 0-19; default 10): when every core is busy, the event loop gets the CPU first.
   */
  readonly niceness?: number;
}

/** Why a job got no document: its worker died or hung, or the pool was closed. */
export type XmlWorkerErrorKind = 'crashed' | 'hung' | 'closed';

export class XmlWorkerError extends KindedError<XmlWorkerErrorKind> {
  override readonly name = 'XmlWorkerError';
}

export function isXmlWorkerError(error: unknown): error is XmlWorkerError {
  return error instanceof XmlWorkerError;
}

/** A job as the worker receives it. */
export interface WorkerJob {
  readonly id: number;
  readonly input: string | Uint8Array;
  readonly limits: XmlLimits;
}

/** A worker's answer; `id` 0 says it has started. */
export type WorkerAnswer =
  | { readonly id: 0; readonly ready: true }
  | { readonly id: number; readonly document: PackedDocument }
  | { readonly id: number; readonly error: { readonly kind: XmlErrorKind; readonly message: string } }
  | { readonly id: number; readonly failure: string };

interface Job {
  readonly id: number;
  readonly input: string | Uint8Array;
  readonly limits: XmlLimits;
  readonly bytes: number;
  readonly resolve: (document: PackedDocument) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  settled: boolean;
}

interface Slot {
  readonly worker: Worker;
  /** Loaded and listening: until then, its job's time starts later. */
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

/** The worker module beside this one: compiled, or the TypeScript source when run from it (tests, tsx). */
const defaultWorkerUrl = new URL(import.meta.url.endsWith('.ts') ? './xml-worker.ts' : './xml-worker.js', import.meta.url);

const defaultHangMs = (bytes: number): number => 2_000 + bytes / 1_000;
/** A worker that has not started within this time (ms) counts as hung too. */
const STARTUP_MS = 15_000;

export class XmlWorkerPool {
  private readonly settings: Required<XmlWorkerPoolOptions>;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: XmlWorkerPoolOptions = {}) {
    this.settings = {
      size: Math.max(1, Math.floor(options.size ?? Math.min(2, availableParallelism()))),
      workerUrl: options.workerUrl ?? defaultWorkerUrl,
      hangMs: options.hangMs ?? defaultHangMs,
      maxHeapMb: options.maxHeapMb ?? 512,
      youngGenerationMb: options.youngGenerationMb ?? 128,
      niceness: options.niceness ?? 10,
    };
  }

  /** Workers running now (started lazily, replaced when they die). */
  get threads(): number {
    return this.slots.length;
  }

  /**
   * Parses a document in a worker. Rejects with {@link XmlError} for a document `parseXml`
   * refuses, with {@link XmlWorkerError} when its worker died or hung or the pool closed, and with
   * the signal's reason when it aborts first.
   */
  parse(input: string | Uint8Array, limits: XmlLimits, signal?: AbortSignal): Promise<PackedDocument> {
    if (this.closed) return Promise.reject(new XmlWorkerError('closed', 'the XML worker pool is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        input,
        limits: { maxBytes: limits.maxBytes, maxDepth: limits.maxDepth },
        bytes: typeof input === 'string' ? input.length : input.byteLength,
        resolve,
        reject,
        signal,
        onAbort: () => this.abandon(job),
        settled: false,
      };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Terminates the workers; queued and running jobs are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const closing = new XmlWorkerError('closed', 'the XML worker pool was closed');
    for (const job of this.queue.splice(0)) this.settle(job, closing);
    const slots = this.slots.splice(0);
    for (const slot of slots) this.release(slot, closing);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((candidate) => candidate.job === null) ?? this.start();
      if (slot === null) return;
      const job = this.queue.shift()!;
      slot.job = job;
      this.startClock(slot);
      slot.worker.ref();
      const { input } = job;
      if (typeof input === 'string') {
        slot.worker.postMessage({ id: job.id, input, limits: job.limits } satisfies WorkerJob);
      } else {
        // A copy of exactly these bytes, handed over: the reply itself may share its memory.
        const copy = new Uint8Array(input);
        slot.worker.postMessage({ id: job.id, input: copy, limits: job.limits } satisfies WorkerJob, [copy.buffer]);
      }
    }
  }

  /** A new worker, or null when the pool is full. */
  private start(): Slot | null {
    if (this.slots.length >= this.settings.size) return null;
    const worker = startWorker(this.settings);
    const slot: Slot = { worker, ready: false, job: null, timer: null };
    worker.unref();
    worker.on('message', (answer: WorkerAnswer) => this.answered(slot, answer));
    worker.on('error', (error) => this.died(slot, new XmlWorkerError('crashed', `an XML worker failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => this.died(slot, new XmlWorkerError('crashed', `an XML worker exited (${code})`)));
    this.slots.push(slot);
    return slot;
  }

  /** The time a job may take: counted from when its worker has started. */
  private startClock(slot: Slot): void {
    if (slot.timer !== null) clearTimeout(slot.timer);
    const ms = slot.ready ? this.settings.hangMs(slot.job!.bytes) : STARTUP_MS;
    slot.timer = setTimeout(() => this.hung(slot, ms), ms);
    slot.timer.unref();
  }

  private answered(slot: Slot, answer: WorkerAnswer): void {
    if ('ready' in answer) {
      slot.ready = true;
      if (slot.job !== null) this.startClock(slot);
      return;
    }
    const job = slot.job;
    if (job === null || job.id !== answer.id) return;
    this.release(slot);
    if ('document' in answer) this.settle(job, null, answer.document);
    else if ('error' in answer) this.settle(job, new XmlError(answer.error.kind, answer.error.message));
    else this.settle(job, new Error(`the XML worker failed: ${answer.failure}`));
    this.dispatch();
  }

  /** A worker that died: its job fails, and a new worker takes its place when one is needed. */
  private died(slot: Slot, error: XmlWorkerError): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    this.release(slot, error);
    void slot.worker.terminate();
    this.dispatch();
  }

  private hung(slot: Slot, ms: number): void {
    const what = slot.ready ? 'finish a document' : 'start';
    this.died(slot, new XmlWorkerError('hung', `an XML worker did not ${what} within ${Math.round(ms)} ms`));
  }

  /** The slot is free again; a job still running there is rejected with `error`. */
  private release(slot: Slot, error?: unknown): void {
    if (slot.timer !== null) clearTimeout(slot.timer);
    slot.timer = null;
    const job = slot.job;
    slot.job = null;
    slot.worker.unref();
    if (job !== null && error !== undefined) this.settle(job, error);
  }

  /**
   * The caller no longer waits: a queued job leaves the queue; a running one is left to finish
   * (stopping a worker costs more than the rest of a parse) and its answer is dropped.
   */
  private abandon(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued !== -1) this.queue.splice(queued, 1);
    this.settle(job, job.signal?.reason);
  }

  private settle(job: Job, error: unknown, document?: PackedDocument): void {
    if (job.settled) return;
    job.settled = true;
    job.signal?.removeEventListener('abort', job.onAbort);
    if (document !== undefined) job.resolve(document);
    else job.reject(error);
  }
}

/** Starts a worker; a `.ts` module is loaded through tsx, a development dependency. */
function startWorker({ workerUrl, maxHeapMb, youngGenerationMb, niceness }: Required<XmlWorkerPoolOptions>): Worker {
  const options = {
    resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: youngGenerationMb },
    workerData: { niceness },
  };
  if (!workerUrl.pathname.endsWith('.ts')) return new Worker(workerUrl, options);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

// ---------------------------------------------------------------------------------------------
// The process's pool

let shared: XmlWorkerPool | null = null;
let users = 0;

/** The pool that reads large replies, started on first use. */
export function xmlWorkers(): XmlWorkerPool {
  shared ??= new XmlWorkerPool();
  return shared;
}

/**
 * Registers a user of the shared pool (a running gateway) and returns its release: the last
 * release closes the pool, if it was started. Idle workers never keep the process alive either way.
 */
export function retainXmlWorkers(): () => Promise<void> {
  users++;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    users--;
    if (users === 0 && shared !== null) {
      const pool = shared;
      shared = null;
      await pool.close();
    }
  };
}
