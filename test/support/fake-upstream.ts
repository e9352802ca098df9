import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Responder = (request: IncomingMessage, response: ServerResponse, body: string) => void;

/** A loopback HTTP server whose answer each test chooses: hostile, broken or hanging upstreams. */
export interface FakeUpstream {
  readonly url: string;
  respond(responder: Responder): void;
  /** Requests whose connection closed before an answer was sent (cancelled by the gateway). */
  readonly abandoned: number;
  close(): Promise<void>;
}

export async function startFakeUpstream(path = '/svc'): Promise<FakeUpstream> {
  let responder: Responder = (_request, response) => response.writeHead(500).end('no responder set');
  let abandoned = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => responder(request, response, Buffer.concat(chunks).toString('utf8')));
    response.on('close', () => {
      if (!response.writableFinished) abandoned++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    respond: (next) => {
      responder = next;
    },
    get abandoned() {
      return abandoned;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export const soap11 = (body: string): string =>
  `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>${body}</soap:Body></soap:Envelope>`;

export function customerXml(overrides: Partial<Record<'CustNo' | 'CustName' | 'BirthDt' | 'StatusCd' | 'CreditLmt' | 'EMail', string>> = {}, extra = ''): string {
  const fields = { CustNo: '00000005', CustName: 'Test Person', BirthDt: '19800101', StatusCd: 'A', CreditLmt: '10.00', EMail: 'a@b.c', ...overrides };
  const inner = Object.entries(fields)
    .map(([name, value]) => `<${name}>${value}</${name}>`)
    .join('');
  return `<GetCustomerDetailsResponse xmlns="urn:acme:crm:v1"><Customer>${inner}${extra}</Customer></GetCustomerDetailsResponse>`;
}
