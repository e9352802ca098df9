import { describe, expect, it } from 'vitest';
import {
  childrenNamed, isSoapEnvelopeError, isXmlError, openEnvelope, readEnvelope,
} from '../../../src/soap/index.js';
import type { XmlElement } from '../../../src/soap/index.js';

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

const large = envelope(customers(2_000)); // ~300 KB: read in slices
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function shape(element: XmlElement): unknown {
  return [element.name, element.ns, element.text, element.nil, { ...element.attributes }, element.children.map(shape)];
}

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

  it('reads a large reply in slices to the same tree, from bytes or text', async () => {
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

  it('lets timers and I/O run between the slices of a large reply', async () => {
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    const reading = readEnvelope(bytes(envelope(customers(8_000))), '1.1'); // ~1.3 MB
    const started = turns;
    await reading.complete();
    clearInterval(ticking);
    expect(turns - started).toBeGreaterThan(5);
  });

  it('finishes large replies first come, first served', async () => {
    const finished: string[] = [];
    const a = readEnvelope(large, '1.1').complete().then(() => finished.push('a'));
    const b = readEnvelope(bytes(large), '1.1').complete().then(() => finished.push('b'));
    await Promise.all([a, b]);
    expect(finished).toEqual(['a', 'b']);
  });

  it('reads a large fault whole at once, so a breaker can judge it', async () => {
    const detail = `<e:Err xmlns:e="urn:e"><e:Code>BUSY</e:Code><e:Text>${'x'.repeat(100_000)}</e:Text></e:Err>`;
    const fault = `<s:Fault><faultcode>s:Server</faultcode><faultstring>busy</faultstring><detail>${detail}</detail></s:Fault>`;
    const reading = readEnvelope(envelope(fault), '1.1');
    expect(reading.fault).toMatchObject({ code: 'Server', kind: 'server', reason: 'busy' });
    expect((await reading.complete()).fault).toBe(reading.fault);
  });

  it('refuses a large reply with a bad start at once', () => {
    const errorOf = (run: () => unknown): string => {
      try {
        run();
        return 'no error';
      } catch (error) {
        if (isXmlError(error) || isSoapEnvelopeError(error)) return error.kind;
        throw error;
      }
    };
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
