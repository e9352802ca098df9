import type { CompiledModernTarget, RouteInput } from '../mapping/index.js';
import { GatewayError } from '../problem/index.js';
import { inSpan, type CallTelemetry } from '../telemetry/index.js';
import type { UpstreamReply } from '../upstream/index.js';
import type { Send } from './legacy-target.js';
import { mapReply } from './reply-mapping.js';

export interface ModernInvocation {
  readonly target: CompiledModernTarget;
  readonly input: RouteInput;
  readonly send: Send;
  readonly signal: AbortSignal;
  readonly operation: string;
  readonly idempotent: boolean;
  readonly deadlineMs: number | undefined;
  /** Keeps a key on one endpoint under consistent-hash balancing. */
  readonly hashKey?: string | undefined;
  /** The request's telemetry: mapping spans, and what the upstream stages count and send upstream. */
  readonly telemetry?: CallTelemetry | undefined;
}

/** One call to a modern HTTP/JSON service: mapping -> JSON request -> upstream -> JSON -> mapping. */
export async function invokeModern({ target, input, send, signal, operation, idempotent, deadlineMs, hashKey, telemetry }: ModernInvocation): Promise<unknown> {
  const body = inSpan(telemetry, 'mapping.request', () => target.buildBody(input));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const reply = await send(
    {
      method: target.method,
      path: target.buildPath(input),
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      operation,
      idempotent,
      deadlineMs,
      ...(hashKey === undefined ? {} : { hashKey }),
      telemetry,
    },
    signal,
  );
  return inSpan(telemetry, 'mapping.reply', () => readModernReply(target, input, reply));
}

/** The JSON reply mapped to the domain answer, or the problem its status maps to. */
function readModernReply(target: CompiledModernTarget, input: RouteInput, reply: UpstreamReply): unknown {
  if (reply.status < 200 || reply.status > 299) throw target.mapError(reply.status, input);
  let json: unknown;
  try {
    json = reply.body.length === 0 ? null : JSON.parse(reply.body.toString('utf8'));
  } catch (error) {
    throw GatewayError.of('bad-upstream-reply', `The ${target.upstream} service sent a reply that is not JSON.`, { cause: error });
  }
  return mapReply(() => target.readReply(json), `The ${target.upstream} service`);
}
