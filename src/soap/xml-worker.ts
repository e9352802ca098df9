import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { transferList } from './xml-document.js';
import { isXmlError } from './xml-error.js';
import { parsePacked } from './xml-tree.js';
import type { WorkerAnswer, WorkerJob } from './xml-workers.js';

/**
 * A thread of the XML worker pool (`xml-workers.ts`): parses each document it is sent exactly as
 * `parseXml` would, and answers with the packed document (its typed arrays transferred) or the
 * refusal.
 */
const port = parentPort;
if (port === null) throw new Error('xml-worker.ts runs as a worker thread');

const { niceness } = (workerData ?? {}) as { niceness?: number };
if (niceness !== undefined && niceness !== 0) lowerThreadPriority(niceness);

/**
 * On Linux a thread has its own scheduling priority: a parse thread that yields the CPU to the
 * event loop keeps the gateway responsive while large replies are read (the parse itself, not
 * the event loop, then waits when every core is busy). Elsewhere this does nothing.
 */
function lowerThreadPriority(by: number): void {
  try {
    const thread = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(thread) && thread > 0) setPriority(thread, Math.min(19, getPriority(thread) + by));
  } catch {
    // Not Linux, or not allowed: the thread keeps the process's priority.
  }
}

port.on('message', ({ id, input, limits }: WorkerJob) => {
  let answer: WorkerAnswer;
  try {
    const document = parsePacked(input, limits);
    port.postMessage({ id, document } satisfies WorkerAnswer, transferList(document));
    return;
  } catch (error) {
    answer = isXmlError(error)
      ? { id, error: { kind: error.kind, message: error.message } }
      : { id, failure: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
  port.postMessage(answer);
});
port.postMessage({ id: 0, ready: true } satisfies WorkerAnswer);
