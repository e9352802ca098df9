import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningGateway } from '../../src/gateway.js';
import { XmlWorkerPool } from '../../src/soap/index.js';
import { writeConfigFixture } from '../support/config-fixture.js';
import { soap11, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway } from '../support/telemetry.js';

/**
 * Replies above 64 KiB are parsed by fast-xml-parser in a worker thread: the answer is the same
 * as for a small reply, a flaw anywhere in them is a clean 502, a fault in them is read at once,
 * and the event loop reads only their head.
 */
let upstream: FakeUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream('/crm');
  gateway = await startTestGateway(writeConfigFixture({ crmEndpoint: upstream.url, crmPolicy: ['breaker: { enabled: false }'] }));
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

function row(i: number): string {
  const address = (n: number) =>
    `<Addr><StreetLn>Königsbrücker Straße ${n}</StreetLn><CityNm>Zürich &amp; Co</CityNm><PostCd>80${n % 10}1</PostCd><CntryCd>ch</CntryCd></Addr>`;
  return `<Customer><CustNo>${String(i).padStart(8, '0')}</CustNo><CustName>Zoë Müller ${i}    </CustName><BirthDt>19800101</BirthDt>`
    + `<StatusCd>A</StatusCd><CreditLmt>10.50</CreditLmt>${i % 3 === 0 ? '<EMail xsi:nil="true"/>' : `<EMail>c${i}@example.ch</EMail>`}`
    + `${address(i)}${address(i + 1)}</Customer>`;
}

const search = (rows: number, extra = ''): string =>
  soap11(`<SearchCustomersResponse xmlns="urn:acme:crm:v1"><RowCount>${rows}</RowCount>${Array.from({ length: rows }, (_, i) => row(i + 1)).join('')}${extra}</SearchCustomersResponse>`);

function answerXml(xml: string, status = 200): void {
  upstream.respond((_request, response) => response.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' }).end(xml));
}

async function searchCustomers(): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway.domainUrl}/customers?name=*&limit=100`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('large replies', () => {
  it('are mapped exactly like small ones', async () => {
    answerXml(search(2));
    const small = await searchCustomers();
    const xml = search(3_000);
    expect(Buffer.byteLength(xml)).toBeGreaterThan(1024 * 1024);
    answerXml(xml);
    const large = await searchCustomers();
    expect(large.status).toBe(200);
    const items = large.body['items'] as Array<Record<string, unknown>>;
    expect(items).toHaveLength(3_000);
    expect(items.slice(0, 2)).toEqual((small.body['items'] as unknown[]));
    expect(items[2]).toMatchObject({ id: '3', name: 'Zoë Müller 3', email: null, addresses: [{ city: 'Zürich & Co', country: 'CH' }, {}] });
  });

  // How long the event loop waits is a benchmark figure (npm run bench: event-loop delay p99);
  // here, where the work happens: fast-xml-parser reads only the head of a large reply on the
  // event loop, and the worker pool parses the whole of it.
  it('are parsed by the worker pool, the event loop reading only their head', async () => {
    const xml = search(3_000);
    answerXml(xml);
    const onEventLoop = vi.spyOn(XMLParser.prototype, 'parse');
    const inWorkers = vi.spyOn(XmlWorkerPool.prototype, 'parse');
    try {
      const answers = await Promise.all([searchCustomers(), searchCustomers()]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      expect(inWorkers).toHaveBeenCalledTimes(2);
      expect(inWorkers.mock.calls.map(([input]) => Buffer.byteLength(input as Uint8Array))).toEqual([Buffer.byteLength(xml), Buffer.byteLength(xml)]);
      const longestOnEventLoop = Math.max(...onEventLoop.mock.calls.map(([input]) => String(input).length));
      expect(longestOnEventLoop).toBeLessThan(64 * 1024);
    } finally {
      onEventLoop.mockRestore();
      inWorkers.mockRestore();
    }
  });

  it.each([
    ['a mismatched end tag deep inside', (xml: string) => xml.replace('Zoë Müller 2500    </CustName>', 'Zoë Müller 2500    </CustNam>')],
    ['a DOCTYPE deep inside', (xml: string) => xml.replace('Zoë Müller 2500 ', '<!DOCTYPE x [<!ENTITY a "b">]>')],
    ['an undeclared entity deep inside', (xml: string) => xml.replace('Zoë Müller 2500 ', '&nbsp;')],
    ['an unbound prefix deep inside', (xml: string) => xml.replace('<CustName>Zoë Müller 2500 ', '<q:CustName>Zoë Müller 2500 ')],
    ['a cut-off end', (xml: string) => xml.slice(0, -100)],
    ['a character XML forbids deep inside', (xml: string) => xml.replace('Zoë Müller 2500', 'Zo\u0000 Müller 2500')],
  ])('with %s are 502 bad-upstream-reply', async (_name, breakIt) => {
    const xml = search(3_000);
    const broken = breakIt(xml);
    expect(broken).not.toBe(xml);
    answerXml(broken);
    const { status, body } = await searchCustomers();
    expect(status).toBe(502);
    expect(body['type']).toBe('urn:test:bad-upstream-reply');
  });

  it('that are faults are read at once and mapped by the fault rules', async () => {
    const detail = `<CrmFault xmlns="urn:acme:crm:v1"><ErrorCd>SYSTEM_BUSY</ErrorCd><Trace>${'x'.repeat(100_000)}</Trace></CrmFault>`;
    answerXml(soap11(`<soap:Fault><faultcode>soap:Server</faultcode><faultstring>busy</faultstring><detail>${detail}</detail></soap:Fault>`), 500);
    const { status, body } = await searchCustomers();
    expect(status).toBe(503);
    expect(body['type']).toBe('urn:test:backend-busy');
  });

  it('leave the gateway serving', async () => {
    answerXml(search(2));
    expect((await searchCustomers()).status).toBe(200);
  });
});

describe('large replies in the compiled gateway', () => {
  // `ficus serve` and the container run dist/: its workers load the compiled xml-worker.js, not
  // the TypeScript module the tests above use through tsx.
  it('are parsed by the compiled worker module', async () => {
    const compiledUrl = pathToFileURL(resolve(import.meta.dirname, '../../dist/src/soap/index.js')).href;
    const compiled = (await import(compiledUrl)) as typeof import('../../src/soap/index.js');
    const release = compiled.retainXmlWorkers();
    try {
      const reading = compiled.readEnvelope(Buffer.from(search(500)), '1.1');
      expect(reading.large).toBe(true);
      const { body } = await reading.complete();
      const customers = compiled.childrenNamed(body!, 'Customer', 'urn:acme:crm:v1');
      expect(customers).toHaveLength(500);
      expect(compiled.childrenNamed(customers[499]!, 'CustNo')[0]?.text).toBe('00000500');
    } finally {
      await release();
    }
  });
});
