import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listen, type IServices } from 'soap';
import { createFaultInjector, type FaultInjector, type FaultReplies } from './faults.js';
import { SOAP11_ENVELOPE_PREFIX, SOAP12_ENVELOPE_PREFIX } from './soap-faults.js';

/** Where a stub listens. */
export interface StubOptions {
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** Port to bind; default `0` (an ephemeral port, read it from `url`). */
  port?: number;
}

/** A started stub: a real SOAP server over its own fresh copy of the demo data. */
export interface RunningStub {
  readonly name: 'crm' | 'policy';
  /** The endpoint URL, e.g. `http://127.0.0.1:41234/crm` (the WSDL is served at `url + '?wsdl'`). */
  readonly url: string;
  /** Absolute path of the WSDL file. */
  readonly wsdlPath: string;
  /** While busy, every operation answers the service's "system busy" server fault. */
  setBusy(busy: boolean): void;
  /** Fault injection, also reachable over HTTP at `POST/DELETE/GET <origin>/__faults`. */
  readonly faults: FaultInjector;
  /** Stops listening and destroys every open (keep-alive) connection. Safe to call twice. */
  close(): Promise<void>;
}

/** What the handlers of one started stub may read about their instance. */
export interface StubContext {
  readonly busy: boolean;
}

export type SoapVersion = '1.1' | '1.2';

/** One legacy SOAP service, served from its WSDL by node-soap. */
export interface SoapStubDefinition {
  readonly name: RunningStub['name'];
  readonly soapVersion: SoapVersion;
  readonly wsdlPath: string;
  /** The endpoint path, e.g. `/crm`; it matches the path of the WSDL's `soap:address`. */
  readonly path: string;
  /** Every operation's action (SOAPAction); a request naming another one gets a Client/Sender fault. */
  readonly soapActions: readonly string[];
  /** Builds the node-soap services of one started instance (its own data, its own context). */
  readonly createServices: (context: StubContext) => IServices;
}

interface VersionBinding {
  /** The media type requests must carry; anything else is refused with 415 (as WCF does). */
  readonly mediaType: string;
  /** The Content-Type of every reply. */
  readonly contentType: string;
  readonly envelopeKey: string;
  readonly forceSoap12Headers: boolean;
  /** The action a request names ('' when it names none). */
  readonly actionOf: (request: IncomingMessage) => string;
  /** The reply to an action that names no operation. */
  readonly unknownAction: { readonly status: number; readonly body: string };
  /** Injected faults (`POST /__faults`), in this version's dialect. */
  readonly injected: FaultReplies;
}

/*
 * Constant faults (nothing echoed, so nothing to escape) for an action that names no operation.
 * node-soap itself would crash on a SOAP 1.1 one and answer a SOAP 1.2 shaped
 * "InternalServerError" fault inside a 1.1 envelope; it ignores the SOAP 1.2 action parameter.
 */
const UNKNOWN_ACTION_FAULT_11 =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>' +
  '<faultcode>soap:Client</faultcode>' +
  '<faultstring>The SOAPAction of the request names no operation of this service.</faultstring>' +
  '</soap:Fault></soap:Body></soap:Envelope>';
const UNKNOWN_ACTION_FAULT_12 =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault>' +
  '<env:Code><env:Value>env:Sender</env:Value></env:Code>' +
  '<env:Reason><env:Text xml:lang="en">The action of the request names no operation of this service.</env:Text></env:Reason>' +
  '</env:Fault></env:Body></env:Envelope>';

/** Constant faults for fault injection: nothing echoed, so nothing to escape. */
function injectedFault11(code: 'Client' | 'Server'): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>' +
    `<faultcode>soap:${code}</faultcode><faultstring>Injected ${code === 'Client' ? 'client' : 'server'} fault</faultstring>` +
    '</soap:Fault></soap:Body></soap:Envelope>'
  );
}

function injectedFault12(code: 'Sender' | 'Receiver'): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault>' +
    `<env:Code><env:Value>env:${code}</env:Value></env:Code>` +
    `<env:Reason><env:Text xml:lang="en">Injected ${code === 'Sender' ? 'client' : 'server'} fault</env:Text></env:Reason>` +
    '</env:Fault></env:Body></env:Envelope>'
  );
}

const SOAP11_CONTENT_TYPE = 'text/xml; charset=utf-8';
const SOAP12_CONTENT_TYPE = 'application/soap+xml; charset=utf-8';

const VERSIONS: Readonly<Record<SoapVersion, VersionBinding>> = {
  '1.1': {
    mediaType: 'text/xml',
    contentType: SOAP11_CONTENT_TYPE,
    envelopeKey: SOAP11_ENVELOPE_PREFIX,
    forceSoap12Headers: false,
    actionOf: (request) => unquote(firstHeader(request.headers['soapaction'])),
    unknownAction: { status: 500, body: UNKNOWN_ACTION_FAULT_11 },
    injected: {
      serverFault: { status: 500, contentType: SOAP11_CONTENT_TYPE, body: injectedFault11('Server') },
      clientFault: { status: 500, contentType: SOAP11_CONTENT_TYPE, body: injectedFault11('Client') },
      contentType: SOAP11_CONTENT_TYPE,
    },
  },
  '1.2': {
    mediaType: 'application/soap+xml',
    contentType: SOAP12_CONTENT_TYPE,
    envelopeKey: SOAP12_ENVELOPE_PREFIX,
    forceSoap12Headers: true,
    actionOf: (request) => unquote(/;\s*action\s*=\s*("[^"]*"|[^;\s]*)/i.exec(request.headers['content-type'] ?? '')?.[1]),
    unknownAction: { status: 400, body: UNKNOWN_ACTION_FAULT_12 },
    injected: {
      serverFault: { status: 500, contentType: SOAP12_CONTENT_TYPE, body: injectedFault12('Receiver') },
      clientFault: { status: 400, contentType: SOAP12_CONTENT_TYPE, body: injectedFault12('Sender') },
      contentType: SOAP12_CONTENT_TYPE,
    },
  },
};

/**
 * Starts a node-soap server (`soap.listen` on a `node:http` server) for one stub definition.
 *
 * Around node-soap it adds what a real legacy endpoint does and node-soap does not:
 * - replies carry the version's Content-Type (node-soap echoes the request's, including the
 *   SOAP 1.2 `action` parameter);
 * - a request with the other SOAP version's media type is refused with 415;
 * - a request naming an unknown action (1.1 SOAPAction header, 1.2 Content-Type `action`
 *   parameter) gets a Client / Sender fault; a request naming none is dispatched by its body;
 * - other paths answer 404 (node-soap would leave them hanging);
 * - `POST/DELETE/GET /__faults` injects faults (see `faults.ts`); a fault's `operation` is
 *   matched against the operation the request's action names.
 *
 * @example
 * const stub = await startSoapStub(customerStub, { port: 0 });
 * await fetch(stub.url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
 * await stub.close();
 */
export async function startSoapStub(definition: SoapStubDefinition, options: StubOptions = {}): Promise<RunningStub> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const version = VERSIONS[definition.soapVersion];
  const xml = await readFile(definition.wsdlPath, 'utf8');
  const context = { busy: false };

  const server = createServer(answerNotFound);
  await new Promise<void>((resolve, reject) => {
    listen(server, {
      path: definition.path,
      services: definition.createServices(context),
      xml,
      uri: definition.wsdlPath,
      envelopeKey: version.envelopeKey,
      forceSoap12Headers: version.forceSoap12Headers,
      useEmptyTag: true,
      suppressStack: true,
      callback: (error: unknown) => (error ? reject(asError(error)) : resolve()),
    });
  });
  guardRequests(server, definition, version);
  const faults = createFaultInjector({ replies: version.injected, operationOf: operationByAction(definition, version) });
  faults.install(server);
  await bind(server, host, port);

  const { port: boundPort } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    name: definition.name,
    url: `http://${urlHost(host)}:${boundPort}${definition.path}`,
    wsdlPath: definition.wsdlPath,
    setBusy(busy: boolean): void {
      context.busy = busy;
    },
    faults,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Puts the checks in front of node-soap's own request listener (which `soap.listen` installed). */
function guardRequests(server: Server, definition: SoapStubDefinition, version: VersionBinding): void {
  const soapListeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  const knownActions = new Set(definition.soapActions);

  server.on('request', function guardedRequest(request: IncomingMessage, response: ServerResponse) {
    if (request.method === 'POST' && requestPath(request) === definition.path) {
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (mediaType !== version.mediaType) {
        response.writeHead(415, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`This endpoint speaks SOAP ${definition.soapVersion}: send ${version.mediaType}.\n`);
        return;
      }
      const action = version.actionOf(request);
      if (action !== '' && !knownActions.has(action)) {
        response.writeHead(version.unknownAction.status, { 'content-type': version.contentType });
        response.end(version.unknownAction.body);
        return;
      }
      // node-soap copies the request's Content-Type onto the reply.
      request.headers['content-type'] = version.contentType;
    }
    for (const listener of soapListeners) listener.call(server, request, response);
  });
}

/** The operation a request's action names (`urn:acme:crm:v1/GetCustomerDetails` -> `GetCustomerDetails`). */
function operationByAction(definition: SoapStubDefinition, version: VersionBinding): (request: IncomingMessage) => string | undefined {
  const operations = new Map(definition.soapActions.map((action) => [action, action.slice(Math.max(action.lastIndexOf('/'), action.lastIndexOf('#')) + 1)]));
  return (request) => operations.get(version.actionOf(request));
}

function answerNotFound(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  response.end('Not found\n');
}

function requestPath(request: IncomingMessage): string {
  const path = new URL(request.url ?? '/', 'http://stub').pathname;
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function firstHeader(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}

function unquote(text: string | undefined): string {
  const value = text?.trim() ?? '';
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function bind(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
