import { parentPort } from 'node:worker_threads';
import { transferList } from '../../src/soap/xml-document.js';
import { parsePacked } from '../../src/soap/xml-tree.js';
import type { WorkerJob } from '../../src/soap/xml-workers.js';

/**
 * A worker for XmlWorkerPool tests: it parses like the real one, except for a few documents that
 * make it misbehave: `<crash/>` ends the thread, `<throw/>` throws outside any handler, `<hang/>`
 * never answers, and `<slow/>` answers after half a second.
 */
const port = parentPort!;

port.on('message', ({ id, input, limits }: WorkerJob) => {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  if (text === '<crash/>') process.exit(3);
  if (text === '<throw/>') setImmediate(() => {
    throw new Error('thrown in the worker');
  });
  if (text === '<hang/>') for (;;);
  const answer = (): void => {
    const document = parsePacked(input, limits);
    port.postMessage({ id, document }, transferList(document));
  };
  if (text === '<slow/>') setTimeout(answer, 500);
  else if (text !== '<throw/>') answer();
});
port.postMessage({ id: 0, ready: true });
