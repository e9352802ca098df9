import { Pool } from 'undici';
import type { TlsConnectOptions } from './tls.js';
import type { Call, UpstreamReply, UpstreamRequest } from './call.js';
import { abortFailure, describeFailure, UpstreamError, type UpstreamFailure } from './upstream-error.js';

export interface TransportOptions {
  readonly upstream: string;
  readonly maxReplyBytes: number;
  readonly connectTimeoutMs: number;
  readonly connections: number;
  /** CA, client certificate and name to verify, for https endpoints. */
  readonly tls?: TlsConnectOptions;
}

const connectCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
const resetCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'HPE_INVALID_CONSTANT', 'HPE_INVALID_STATUS']);

/**
 * Sends requests to one endpoint URL over a keep-alive undici Pool and reads the reply with a size
 * cap, so a 100 MB or never-ending body is cut off instead of filling memory.
 */
export class EndpointTransport {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(
    readonly url: string,
    private readonly options: TransportOptions,
  ) {
    const parsed = new URL(url);
    this.basePath = parsed.pathname === '/' ? '' : parsed.pathname.replace(/\/$/, '');
    this.pool = new Pool(parsed.origin, {
      connections: options.connections,
      connect: { timeout: options.connectTimeoutMs, ...options.tls },
      // The deadline is enforced by the caller's AbortSignal; these only catch a stalled socket.
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: 4_000,
    });
  }

  readonly call: Call = async (request, signal) => {
    try {
      const response = await this.pool.request({
        method: request.method,
        path: this.basePath + request.path,
        headers: request.headers,
        body: request.body,
        signal,
      });
      const body = await readLimited(response.body, this.options.maxReplyBytes, response.headers['content-length']);
      return { status: response.statusCode, headers: response.headers, body, endpoint: this.url } satisfies UpstreamReply;
    } catch (error) {
      throw this.classify(error, signal, request);
    }
  };

  /** Refuses new requests and closes the connections once the requests in flight are answered. */
  drain(): Promise<void> {
    return this.pool.close();
  }

  /** Closes every connection now, aborting requests in flight. */
  close(): Promise<void> {
    return this.pool.destroy();
  }

  private classify(error: unknown, signal: AbortSignal, request: UpstreamRequest): UpstreamError {
    const where = `${this.options.upstream} (${request.operation}) at ${this.url}`;
    if (error instanceof UpstreamError) return new UpstreamError(error.failure, this.options.upstream, `${error.message}: ${where}`);
    const failure = failureOf(error, signal);
    return new UpstreamError(failure, this.options.upstream, `${describeFailure(failure)}: ${where}`, { cause: error });
  }
}

function failureOf(error: unknown, signal: AbortSignal): UpstreamFailure {
  if (signal.aborted) return abortFailure(signal);
  const code = (error as { code?: string } | undefined)?.code ?? '';
  if (connectCodes.has(code)) return 'connect';
  if (resetCodes.has(code)) return 'reset';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  return 'reset';
}

async function readLimited(
  body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown },
  maxBytes: number,
  declaredLength: string | string[] | undefined,
): Promise<Buffer> {
  const declared = typeof declaredLength === 'string' ? Number(declaredLength) : NaN;
  if (declared > maxBytes) {
    body.destroy();
    throw new UpstreamError('too-large', '', `the reply declares ${declared} bytes, more than the limit of ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new UpstreamError('too-large', '', `the reply exceeds the limit of ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}
