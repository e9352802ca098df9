import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CompiledLegacyTarget, RouteInput } from '../mapping/index.js';
import { GatewayError } from '../problem/index.js';
import { buildEnvelope, isWsSecurityFault, readEnvelope, soapRequestHeaders, type EnvelopeReading, type SoapReply } from '../soap/index.js';
import type { XmlLimits } from '../soap/index.js';
import { inSpan, type CallTelemetry } from '../telemetry/index.js';
import { classifyByStatus, type ReplyClass, type UpstreamReply, type UpstreamRequest } from '../upstream/index.js';
import { mapReply } from './reply-mapping.js';

/** How a request reaches the upstream: the real Upstream.call, or a canned reply in `ficus test`. */
export type Send = (request: UpstreamRequest, signal: AbortSignal) => Promise<UpstreamReply>;

export interface LegacyInvocation {
  readonly target: CompiledLegacyTarget;
  readonly input: RouteInput;
  readonly idempotent: boolean;
  readonly deadlineMs: number | undefined;
  /** Keeps a key on one endpoint under consistent-hash balancing. */
  readonly hashKey?: string | undefined;
  readonly send: Send;
  readonly limits: XmlLimits;
  readonly signal: AbortSignal;
  /** The request's telemetry: mapping spans, and what the upstream stages count and send upstream. */
  readonly telemetry?: CallTelemetry | undefined;
}

/**
 * One call to a legacy SOAP operation: mapping -> envelope -> upstream -> envelope -> mapping back.
 * Whatever the upstream sends, the outcome is a domain value or a GatewayError.
 */
export async function invokeLegacy({ target, input, send, limits, signal, idempotent, deadlineMs, hashKey, telemetry }: LegacyInvocation): Promise<unknown> {
  const { operation } = target;
  const soapBody = inSpan(telemetry, 'mapping.request', () => target.buildRequest(input));
  const envelope = buildEnvelope(operation.soapVersion, soapBody);
  const replies = new EnvelopeCache(target, limits);
  const reply = await send(
    {
      method: 'POST',
      path: '',
      headers: soapRequestHeaders(operation.soapVersion, operation.action),
      body: envelope,
      // The tree too: an upstream with WS-Security builds each attempt's envelope with its own header.
      soap: { version: operation.soapVersion, body: soapBody },
      operation: operation.name,
      idempotent,
      deadlineMs,
      ...(hashKey === undefined ? {} : { hashKey }),
      classify: (candidate) => replies.classify(candidate),
      telemetry,
    },
    signal,
  );
  return inSpan(telemetry, 'mapping.reply', () => readLegacyReply(target, input, reply, replies, signal));
}

/** The reply, opened and mapped: the domain answer, or the problem its SOAP fault maps to. */
async function readLegacyReply(
  target: CompiledLegacyTarget,
  input: RouteInput,
  reply: UpstreamReply,
  replies: EnvelopeCache,
  signal: AbortSignal,
): Promise<unknown> {
  const { operation } = target;
  const opened = await replies.open(reply, signal);
  if (opened.fault) throw target.mapFault(opened.fault, input);
  if (reply.status < 200 || reply.status > 299) {
    throw GatewayError.of('bad-upstream-reply', `The ${target.upstream} system answered HTTP ${reply.status} without a SOAP fault.`);
  }
  const body = opened.body;
  if (!body || body.name !== operation.output.name || body.ns !== operation.output.ns) {
    throw GatewayError.of('bad-upstream-reply', `The ${target.upstream} system sent a reply that is not a ${operation.name} response.`);
  }
  const answer = mapReply(() => target.readReply(body), `The ${target.upstream} system`);
  // A large reply was parsed in a worker; the answer is checked and written in a later turn.
  if (replies.large) await nextTurn();
  return answer;
}

/**
 * Opens each reply once: the upstream's policy stages ask what a reply means (a SOAP client fault
 * arrives as HTTP 500 but must not count against the upstream), and the target then reads the
 * same envelope, whose rest a large reply has parsed in a worker thread.
 */
class EnvelopeCache {
  private last: { reply: UpstreamReply; opened: EnvelopeReading | GatewayError } | undefined;

  constructor(
    private readonly target: CompiledLegacyTarget,
    private readonly limits: XmlLimits,
  ) {}

  get large(): boolean {
    return this.last !== undefined && !(this.last.opened instanceof GatewayError) && this.last.opened.large;
  }

  classify(reply: UpstreamReply): ReplyClass {
    const opened = this.attempt(reply);
    if (opened instanceof GatewayError) return 'server-error';
    // A WS-Security refusal (wrong credentials) is no sign of a failing system, and retrying it is futile.
    if (opened.fault) return opened.fault.kind === 'client' || isWsSecurityFault(opened.fault) ? 'client-error' : 'server-error';
    return classifyByStatus(reply);
  }

  /** The whole reply; a large one's parse is abandoned when `signal` aborts (the client left). */
  async open(reply: UpstreamReply, signal: AbortSignal): Promise<SoapReply> {
    const opened = this.attempt(reply);
    if (opened instanceof GatewayError) throw opened;
    return opened.complete(signal).catch((error: unknown) => {
      throw unusable(reply, this.target, error);
    });
  }

  private attempt(reply: UpstreamReply): EnvelopeReading | GatewayError {
    if (this.last?.reply !== reply) this.last = { reply, opened: openReply(reply, this.target, this.limits) };
    return this.last.opened;
  }
}

function openReply(reply: UpstreamReply, target: CompiledLegacyTarget, limits: XmlLimits): EnvelopeReading | GatewayError {
  try {
    return readEnvelope(reply.body, target.operation.soapVersion, limits);
  } catch (error) {
    return unusable(reply, target, error);
  }
}

function unusable(reply: UpstreamReply, target: CompiledLegacyTarget, error: unknown): GatewayError {
  const status = reply.status >= 200 && reply.status < 300 ? '' : ` (HTTP ${reply.status})`;
  return GatewayError.of('bad-upstream-reply', `The ${target.upstream} system sent a reply that is not a usable SOAP envelope${status}.`, {
    cause: error,
  });
}
