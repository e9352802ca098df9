import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { z } from 'zod';

/**
 * Fault injection for the stubs, so tests, demos and users can break a system on purpose:
 *
 *   POST   /__faults  {"operation"?, "latencyMs"?, "errorRate"?, "kind"}   adds a fault (replaces one for the same operation)
 *   DELETE /__faults                                                     removes every fault
 *   GET    /__faults                                                     the faults and counters
 *
 * A fault applies to the calls of its `operation` (every call when absent; a fault for the
 * operation wins over one for all). Each such call waits `latencyMs` first; then `errorRate` of
 * them (all by default; 0 for latency alone) get the fault `kind`:
 *
 * | kind           | what the caller sees |
 * | ---            | --- |
 * | `server-fault` | the service's server fault (SOAP `Server` / `Receiver`, HTTP 500) |
 * | `client-fault` | the service's client fault (SOAP `Client` HTTP 500 / `Sender` HTTP 400) |
 * | `http-500`     | HTTP 500 with an HTML error page, as a crashed app server sends |
 * | `reset`        | the connection reset (TCP RST) without an answer |
 * | `garbage`      | HTTP 200 whose body is not XML (nor JSON) |
 * | `hang`         | nothing, ever; the connection stays open until the caller gives up |
 *
 * Framework-free (node:http), so every stub, SOAP or JSON, installs the same handler.
 *
 * @example
 * await fetch(`${origin}/__faults`, { method: 'POST', body: JSON.stringify({ kind: 'server-fault', operation: 'GetPolicy' }) });
 * await fetch(`${origin}/__faults`, { method: 'DELETE' });
 */

export const FAULTS_PATH = '/__faults';

export const faultKinds = ['server-fault', 'client-fault', 'http-500', 'reset', 'garbage', 'hang'] as const;
export type FaultKind = (typeof faultKinds)[number];

export const faultSpecSchema = z
  .object({
    /** The operation (SOAP operation name, or what the stub's `operationOf` says); all when absent. */
    operation: z.string().min(1).max(200).optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    /** Share of the matching calls that get the fault, from 0 to 1; default 1. */
    errorRate: z.number().min(0).max(1).optional(),
    kind: z.enum(faultKinds),
  })
  .strict();

export type FaultSpec = z.infer<typeof faultSpecSchema>;

/** A canned answer. */
export interface CannedReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** How this service writes its own faults, and the media type of its replies. */
export interface FaultReplies {
  readonly serverFault: CannedReply;
  readonly clientFault: CannedReply;
  /** The Content-Type of a `garbage` reply: the service's usual one. */
  readonly contentType: string;
}

export interface FaultCounters {
  /** Calls seen (control requests not counted). */
  readonly calls: number;
  /** Calls that got a fault. */
  readonly injected: number;
  /** Calls the caller gave up on before any answer (a hung or delayed call whose connection closed). */
  readonly abandoned: number;
}

export interface FaultInjector {
  /** Wraps a request listener: `/__faults` is answered here, faults go in front of `next`. */
  wrap(next: RequestListener): RequestListener;
  /** Puts the injector in front of a server's current 'request' listeners (node-soap, @hono/node-server). */
  install(server: Server): void;
  readonly faults: readonly FaultSpec[];
  readonly counters: FaultCounters;
  add(spec: FaultSpec): void;
  clear(): void;
}

export interface FaultInjectorOptions {
  readonly replies: FaultReplies;
  /** The operation a call is for, to match faults that name one; none by default. */
  readonly operationOf?: (request: IncomingMessage) => string | undefined;
}

const ALL = '*';
const MAX_CONTROL_BODY = 64 * 1024;
const HTTP_500_PAGE = '<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>';
const GARBAGE = 'Error: ORA-03113 end-of-file on communication channel \u0000\u0001 <<<< not a reply';

export function createFaultInjector(options: FaultInjectorOptions): FaultInjector {
  const faults = new Map<string, FaultSpec>();
  const counters = { calls: 0, injected: 0, abandoned: 0 };

  function matching(request: IncomingMessage): FaultSpec | undefined {
    if (faults.size === 0) return undefined;
    const operation = options.operationOf?.(request);
    return (operation === undefined ? undefined : faults.get(operation)) ?? faults.get(ALL);
  }

  function control(request: IncomingMessage, response: ServerResponse): void {
    if (request.method === 'GET') return sendJson(response, 200, snapshot());
    if (request.method === 'DELETE') {
      faults.clear();
      return sendJson(response, 200, snapshot());
    }
    if (request.method !== 'POST') {
      response.setHeader('allow', 'GET, POST, DELETE');
      return sendJson(response, 405, { error: 'use GET, POST or DELETE' });
    }
    void readJson(request).then((body) => {
      const parsed = faultSpecSchema.safeParse(body);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
        return sendJson(response, 400, { error: 'not a fault: { operation?, latencyMs?, errorRate?, kind }', issues });
      }
      injector.add(parsed.data);
      sendJson(response, 200, snapshot());
    });
  }

  function snapshot(): { faults: FaultSpec[]; counters: FaultCounters } {
    return { faults: [...faults.values()], counters: { ...counters } };
  }

  function inject(fault: FaultSpec, request: IncomingMessage, response: ServerResponse, next: RequestListener): void {
    let gaveUp = false;
    response.once('close', () => {
      if (!response.headersSent && !gaveUp) counters.abandoned++;
    });
    const act = (): void => {
      if (response.destroyed) return;
      if (Math.random() >= (fault.errorRate ?? 1)) return void next(request, response);
      counters.injected++;
      switch (fault.kind) {
        case 'server-fault':
          return reply(response, options.replies.serverFault);
        case 'client-fault':
          return reply(response, options.replies.clientFault);
        case 'http-500':
          return reply(response, { status: 500, contentType: 'text/html; charset=utf-8', body: HTTP_500_PAGE });
        case 'garbage':
          return reply(response, { status: 200, contentType: options.replies.contentType, body: GARBAGE });
        case 'reset':
          gaveUp = true;
          request.socket.resetAndDestroy();
          return;
        case 'hang':
          return; // The caller's deadline (or the server closing) ends it.
      }
    };
    if (!fault.latencyMs) return act();
    const timer = setTimeout(act, fault.latencyMs);
    response.once('close', () => clearTimeout(timer));
  }

  const injector: FaultInjector = {
    wrap(next) {
      return function withFaults(request, response) {
        if (pathOf(request) === FAULTS_PATH) return control(request, response);
        counters.calls++;
        const fault = matching(request);
        if (fault) inject(fault, request, response, next);
        else next(request, response);
      };
    },
    install(server) {
      const listeners = server.listeners('request') as RequestListener[];
      server.removeAllListeners('request');
      const all: RequestListener = (request, response) => {
        for (const listener of listeners) listener.call(server, request, response);
      };
      server.on('request', injector.wrap(all));
    },
    get faults() {
      return [...faults.values()];
    },
    get counters() {
      return { ...counters };
    },
    add(spec) {
      faults.set(spec.operation ?? ALL, spec);
    },
    clear() {
      faults.clear();
    },
  };
  return injector;
}

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function reply(response: ServerResponse, canned: CannedReply): void {
  response.writeHead(canned.status, { 'content-type': canned.contentType });
  response.end(canned.body);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** The request body as JSON; `undefined` when it is not JSON or too large (the schema then says why). */
async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CONTROL_BODY) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
