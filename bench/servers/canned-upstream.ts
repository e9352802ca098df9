import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { benchOptions, serveBench } from './probe.js';

/**
 * The benchmark's fast upstream: a minimal node:http server that answers each SOAP operation with
 * bytes captured from the real (node-soap) stub, so that the gateway under test, not the
 * upstream, is what the benchmark measures. It reads the whole request before answering, as a
 * real server does, and picks the reply by SOAPAction.
 */

interface CannedOptions {
  /** SOAPAction (unquoted) -> file holding the reply body. */
  readonly replies: Readonly<Record<string, string>>;
}

const { replies } = benchOptions<CannedOptions>();
const bodies = new Map(Object.entries(replies).map(([action, file]) => [action, readFileSync(file)]));

function answer(request: IncomingMessage, response: ServerResponse): void {
  const action = String(request.headers['soapaction'] ?? '').replace(/^"|"$/g, '');
  request.on('data', () => {});
  request.on('end', () => {
    const body = bodies.get(action);
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('no canned reply for this action\n');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': body.length }).end(body);
  });
}

await serveBench(async () => {
  const server = createServer({ keepAliveTimeout: 60_000 }, answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/crm`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
});
