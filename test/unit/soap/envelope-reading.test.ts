import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  childrenNamed, isSoapEnvelopeError, isXmlError, isXmlWorkerError, openEnvelope, readEnvelope, XmlWorkerPool,
} from '../../../src/soap/index.js';
import type { XmlElement } from '../../../src/soap/index.js';
import { shape, thrownKind } from './outcomes.js';

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

const envelope = (body: string, ns = SOAP11): string =>
  `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${ns}"><s:Header><h:T xmlns:h="urn:h">1</h:T></s:Header>`
  + `<s:Body>${body}</s:Body></s:Envelope>`;

/** A search reply of `rows` customers: about 180 bytes a row, with non-ASCII text and references. */
function customers(rows: number): string {
  const row = (i: number) =>
    `<c:Customer><c:No>${String(i).padStart(8, '0')}</c:No><c:Name>Jürgen &amp; Zoë ${i}</c:Name>`
    + `<c:Mail xsi:nil="true"/><c:City>Zürich</c:City></c:Customer>`;
  return `<c:SearchResponse xmlns:c="urn:crm" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`
    + Array.from({ length: rows }, (_, i) => row(i)).join('') + '</c:SearchResponse>';
}

const large = envelope(customers(2_000)); // ~300 KB: parsed in a worker
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('readEnvelope', () => {
  it('reads a small reply whole at once, like openEnvelope', async () => {
    const xml = envelope('<r:Pong xmlns:r="urn:r">ok</r:Pong>');
    const reading = readEnvelope(xml, '1.1');
    expect(reading.large).toBe(false);
    expect(reading.fault).toBeNull();
    const opened = await reading.complete();
    expect(opened.body?.text).toBe('ok');
    expect(shape(opened.body!)).toEqual(shape(openEnvelope(xml, '1.1').body!));
  });

  it('parses a large reply in a worker to the same tree, from bytes or text', async () => {
    expect(large.length).toBeGreaterThan(200_000);
    const expected = shape(openEnvelope(large, '1.1').body!);
    for (const input of [large, bytes(large)]) {
      const reading = readEnvelope(input, '1.1');
      expect(reading.large).toBe(true);
      expect(reading.fault).toBeNull();
      const opened = await reading.complete();
      expect(shape(opened.body!)).toEqual(expected);
      expect(opened.header?.children[0]?.text).toBe('1');
      expect(await reading.complete()).toBe(opened); // once
    }
    const first = childrenNamed(openEnvelope(bytes(large), '1.1').body!, 'Customer', 'urn:crm')[1]!;
    expect(childrenNamed(first, 'Name')[0]?.text).toBe('Jürgen & Zoë 1');
    expect(childrenNamed(first, 'Mail')[0]?.nil).toBe(true);
  });

  it('lets timers and I/O run while a large reply is parsed', async () => {
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    const reading = readEnvelope(bytes(envelope(customers(8_000))), '1.1'); // ~1.3 MB
    const started = turns;
    await reading.complete();
    clearInterval(ticking);
    expect(turns - started).toBeGreaterThan(5);
  });

  it('finishes large replies first come, first served when the workers are busy', async () => {
    const pool = new XmlWorkerPool({ size: 1 });
    try {
      const finished: string[] = [];
      const a = readEnvelope(large, '1.1', undefined, { pool }).complete().then(() => finished.push('a'));
      const b = readEnvelope(bytes(large), '1.1', undefined, { pool }).complete().then(() => finished.push('b'));
      const c = readEnvelope(large, '1.1', undefined, { pool }).complete().then(() => finished.push('c'));
      await Promise.all([a, b, c]);
      expect(finished).toEqual(['a', 'b', 'c']);
      expect(pool.threads).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('parses replies up to 64 KiB at once, and the threshold can be set', () => {
    const mid = envelope(customers(300)); // ~50 KB
    expect(mid.length).toBeLessThan(64 * 1024);
    expect(readEnvelope(mid, '1.1').large).toBe(false);
    expect(readEnvelope(mid, '1.1', undefined, { inWorkerAbove: 10_000 }).large).toBe(true);
  });

  it('stops waiting for a large reply when its signal aborts', async () => {
    const pool = new XmlWorkerPool({ size: 1 });
    try {
      const first = readEnvelope(large, '1.1', undefined, { pool }).complete();
      const controller = new AbortController();
      const second = readEnvelope(large, '1.1', undefined, { pool }).complete(controller.signal);
      controller.abort(new Error('client left'));
      await expect(second).rejects.toThrow('client left');
      await expect(first).resolves.toMatchObject({ fault: null });
    } finally {
      await pool.close();
    }
  });

  it('rejects complete() when the worker pool is gone, and never hangs', async () => {
    const pool = new XmlWorkerPool({ size: 1 });
    const reading = readEnvelope(large, '1.1', undefined, { pool }).complete().catch((error: unknown) => error);
    await pool.close();
    expect(await reading).toSatisfy(isXmlWorkerError);
  });

  it('reads a large fault whole at once, so a breaker can judge it', async () => {
    const detail = `<e:Err xmlns:e="urn:e"><e:Code>BUSY</e:Code><e:Text>${'x'.repeat(100_000)}</e:Text></e:Err>`;
    const fault = `<s:Fault><faultcode>s:Server</faultcode><faultstring>busy</faultstring><detail>${detail}</detail></s:Fault>`;
    const reading = readEnvelope(envelope(fault), '1.1');
    expect(reading.fault).toMatchObject({ code: 'Server', kind: 'server', reason: 'busy' });
    expect((await reading.complete()).fault).toBe(reading.fault);
  });

  it('refuses a large reply with a bad start at once', () => {
    const errorOf = (run: () => unknown): string =>
      thrownKind(run, (error) => isXmlError(error) || isSoapEnvelopeError(error));
    expect(errorOf(() => readEnvelope(large, '1.2'))).toBe('version-mismatch');
    expect(errorOf(() => readEnvelope(large.replace(/s:Envelope/g, 's:Letter'), '1.1'))).toBe('not-an-envelope');
    expect(errorOf(() => readEnvelope(`<!DOCTYPE x>${large}`, '1.1'))).toBe('doctype');
    expect(errorOf(() => readEnvelope(large.replace('<s:Body>', '<s:Body><s:Fault>'), '1.1'))).toBe('malformed');
    expect(errorOf(() => readEnvelope(envelope(customers(2_000), SOAP12), '1.2'))).toBe('no error');
  });

  it('rejects complete() for a flaw deep inside a large reply', async () => {
    const flawed = [
      large.replace('</c:City></c:Customer><c:Customer><c:No>00001500', '</c:Cty></c:Customer><c:Customer><c:No>00001500'),
      large.replace('Zoë 1500', 'Zoë &nbsp; 1500'),
      large.replace('Zoë 1500', 'Zoë \u0000 1500'),
      large.replace('Zoë 1500', '<!DOCTYPE x>'),
      large.replace('<c:No>00001500', '<q:No>00001500'),
      large.slice(0, -20),
    ];
    for (const xml of flawed) {
      const reading = readEnvelope(bytes(xml), '1.1');
      expect(reading.fault).toBeNull();
      await expect(reading.complete()).rejects.toSatisfy(isXmlError);
    }
  });

  it('refuses a Body without elements, and an envelope without Body', async () => {
    const padding = `<!-- ${'p'.repeat(100_000)} -->`;
    await expect(readEnvelope(envelope(padding), '1.1').complete()).resolves.toMatchObject({ body: null, fault: null });
    const noBody = `<s:Envelope xmlns:s="${SOAP11}"><s:Header>${padding}</s:Header></s:Envelope>`;
    expect(() => readEnvelope(noBody, '1.1')).toThrow(/no Body/);
  });
});

describe('readEnvelope and openEnvelope on mutated large replies', () => {
  /** Accepted with this tree and fault, or refused (for whichever flaw is found first). */
  async function outcome(read: () => Promise<{ body: XmlElement | null; fault: unknown }>): Promise<unknown> {
    try {
      const { body, fault } = await read();
      return [body === null ? null : shape(body), fault];
    } catch (error) {
      if (isXmlError(error) || isSoapEnvelopeError(error)) return 'refused';
      throw error;
    }
  }

  const base = envelope(customers(450)); // just above 64 KiB
  const fragments = fc.constantFrom(
    '<', '>', '</', '/>', '<s:Body>', '</s:Body>', '<s:Fault>', '<Body>', '<x:Body xmlns:x="urn:x">', '</x:Body>', '<s:Header/>',
    '<!DOCTYPE x>', '<!-- c -->', '&amp;', '&bad;', 'xmlns:s="urn:other"', ' xmlns:s="http://www.w3.org/2003/05/soap-envelope"',
    '<c:Customer>', '</c:Customer>', '<?pi x?>', '"', '\u0000', 'é', '<![CDATA[<]]>',
  );
  // Most edits land in the head, where readEnvelope decides on its own; the rest anywhere.
  const position = fc.oneof(fc.nat({ max: 400 }), fc.nat({ max: base.length }));
  const edits = fc.array(fc.tuple(position, fc.nat({ max: 12 }), fragments), { minLength: 1, maxLength: 3 });

  it('accept and refuse the same replies, with the same tree and fault', async () => {
    const pool = new XmlWorkerPool({ size: 1 });
    try {
      await fc.assert(fc.asyncProperty(edits, fc.boolean(), async (changes, asBytes) => {
        let text = base;
        for (const [at, remove, insert] of changes) text = text.slice(0, at) + insert + text.slice(at + remove);
        const input = asBytes ? bytes(text) : text;
        const whole = await outcome(async () => openEnvelope(input, '1.1'));
        const read = await outcome(() => readEnvelope(input, '1.1', undefined, { pool }).complete());
        expect(read).toEqual(whole);
      }), { numRuns: 300 });
    } finally {
      await pool.close();
    }
  });
});
