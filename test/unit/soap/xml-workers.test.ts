import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultXmlLimits, isXmlError, isXmlWorkerError, parseXml, XmlWorkerPool } from '../../../src/soap/index.js';
import { XmlDocument } from '../../../src/soap/xml-document.js';
import { shape } from './outcomes.js';

const misbehaving = new URL('../../support/misbehaving-xml-worker.ts', import.meta.url);
const pools: XmlWorkerPool[] = [];

function pool(options: ConstructorParameters<typeof XmlWorkerPool>[0] = {}): XmlWorkerPool {
  const created = new XmlWorkerPool(options);
  pools.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((created) => created.close()));
});

const document = '<r xmlns="urn:r" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><a x="1">ü &amp; 😀</a><b xsi:nil="true"/></r>';

describe('XmlWorkerPool', () => {
  it('parses in a worker to the same tree as parseXml, from text or bytes', async () => {
    const workers = pool({ size: 1 });
    for (const input of [document, new TextEncoder().encode(document)]) {
      const packed = await workers.parse(input, defaultXmlLimits);
      expect(shape(new XmlDocument(packed).root)).toEqual(shape(parseXml(document)));
    }
    expect(workers.threads).toBe(1);
  });

  it('refuses what parseXml refuses, with the same kind of XmlError', async () => {
    const workers = pool();
    const refusals = ['<!DOCTYPE r><r/>', '<r>&nbsp;</r>', '<p:r/>', '<a><b/></a>'];
    for (const input of refusals) {
      const error = await workers.parse(input, { maxBytes: 100, maxDepth: 1 }).catch((caught: unknown) => caught);
      expect(isXmlError(error), String(error)).toBe(true);
      let expected: unknown;
      try {
        parseXml(input, { maxBytes: 100, maxDepth: 1 });
      } catch (caught) {
        expected = caught;
      }
      expect((error as { kind: string }).kind).toBe((expected as { kind: string }).kind);
    }
  });

  it('starts at most `size` threads, and none before the first job', async () => {
    const workers = pool({ size: 2 });
    expect(workers.threads).toBe(0);
    await Promise.all(Array.from({ length: 6 }, () => workers.parse(document, defaultXmlLimits)));
    expect(workers.threads).toBe(2);
  });

  it('rejects the job of a worker that exits or throws, and replaces the worker', async () => {
    const workers = pool({ size: 1, workerUrl: misbehaving });
    for (const fatal of ['<crash/>', '<throw/>']) {
      const queued = workers.parse('<ok/>', defaultXmlLimits);
      const failed = workers.parse(fatal, defaultXmlLimits);
      const after = workers.parse('<ok/>', defaultXmlLimits);
      await expect(queued).resolves.toBeDefined();
      const error = await failed.catch((caught: unknown) => caught);
      expect(isXmlWorkerError(error) && error.kind, String(error)).toBe('crashed');
      await expect(after).resolves.toBeDefined();
    }
  });

  it('terminates a worker that hangs, rejects its job, and serves the next job with a new one', async () => {
    const workers = pool({ size: 1, workerUrl: misbehaving, hangMs: () => 300 });
    const started = performance.now();
    const hung = workers.parse('<hang/>', defaultXmlLimits);
    const next = workers.parse('<ok/>', defaultXmlLimits);
    const error = await hung.catch((caught: unknown) => caught);
    expect(isXmlWorkerError(error) && error.kind, String(error)).toBe('hung');
    expect(performance.now() - started).toBeLessThan(5_000);
    await expect(next).resolves.toBeDefined();
  });

  it('drops a job whose signal aborts: from the queue, or while it runs', async () => {
    const workers = pool({ size: 1, workerUrl: misbehaving });
    const running = new AbortController();
    const queued = new AbortController();
    const slow = workers.parse('<slow/>', defaultXmlLimits, running.signal).catch((error: unknown) => error);
    const waiting = workers.parse('<ok/>', defaultXmlLimits, queued.signal).catch((error: unknown) => error);
    const last = workers.parse('<ok/>', defaultXmlLimits);
    queued.abort(new Error('gone'));
    running.abort(new Error('gone too'));
    expect(String(await waiting)).toBe('Error: gone');
    expect(String(await slow)).toBe('Error: gone too');
    await expect(last).resolves.toBeDefined();
    await expect(workers.parse('<ok/>', defaultXmlLimits, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it.runIf(process.platform === 'linux')('runs its threads at a lower priority than the event loop', async () => {
    const workers = pool({ size: 1, niceness: 7 });
    await workers.parse(document, defaultXmlLimits);
    // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value; the command may hold spaces.
    const nice = (tid: string): number => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
    const loop = nice(String(process.pid));
    expect(readdirSync('/proc/self/task').map(nice)).toContain(Math.min(19, loop + 7));
  });

  it('rejects everything once closed', async () => {
    const workers = pool({ size: 1, workerUrl: misbehaving });
    const running = workers.parse('<slow/>', defaultXmlLimits).catch((caught: unknown) => caught);
    const queued = workers.parse('<ok/>', defaultXmlLimits).catch((caught: unknown) => caught);
    await workers.close();
    const later = workers.parse('<ok/>', defaultXmlLimits).catch((caught: unknown) => caught);
    for (const error of await Promise.all([running, queued, later])) {
      expect(isXmlWorkerError(error) && error.kind).toBe('closed');
    }
    expect(workers.threads).toBe(0);
  });
});
