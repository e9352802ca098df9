import type { FaultRule, FaultsSpec } from '../config/index.js';
import { GatewayError } from '../problem/index.js';
import type { SoapFault } from '../soap/index.js';
import type { CompileContext } from './compile-context.js';
import { compileReader, type Reader } from './reply-reader.js';
import { compileInputTemplate } from './input-template.js';
import type { RouteInput, SourceScope } from './sources.js';

/**
 * SOAP faults -> problems, per route: the route's rules first, then the feature's. A rule matches
 * on the fault's kind or code, a 1.2 subcode and the legacy error code found in the detail. The
 * legacy fault text never reaches the client; the rule's own title and detail do.
 */
export type FaultMapper = (fault: SoapFault, input: RouteInput) => GatewayError;

interface CompiledRule {
  matches(fault: SoapFault, detailCode: string | null): boolean;
  toError(input: RouteInput): GatewayError;
}

export function compileFaultMapper(
  routeFaults: FaultsSpec | undefined,
  featureFaults: FaultsSpec | undefined,
  scope: SourceScope,
  where: { route: string; feature: string },
  context: CompileContext,
): FaultMapper {
  const detailCodePath = routeFaults?.detailCode ?? featureFaults?.detailCode;
  const detailCodeWhere = routeFaults?.detailCode ? `${where.route}.detailCode` : `${where.feature}.detailCode`;
  const readDetailCode: Reader | undefined =
    detailCodePath === undefined ? undefined : compileReader({ from: detailCodePath }, null, detailCodeWhere, context);
  const rules = [
    ...(routeFaults?.rules ?? []).map((rule, index) => compileRule(rule, scope, `${where.route}.rules.${index}`, context)),
    ...(featureFaults?.rules ?? []).map((rule, index) => compileRule(rule, scope, `${where.feature}.rules.${index}`, context)),
  ];
  if (detailCodePath === undefined) {
    const needsCode = [...(routeFaults?.rules ?? []), ...(featureFaults?.rules ?? [])].some((rule) => rule.when.detail !== undefined);
    if (needsCode) context.issues.add(where.feature, 'rules match on `detail`; say where the code is with faults.detailCode');
  }

  return (fault, input) => {
    const detailCode = readDetailCode && fault.detail ? detailCodeOf(readDetailCode, fault) : null;
    for (const rule of rules) if (rule.matches(fault, detailCode)) return rule.toError(input);
    return GatewayError.of(
      'upstream-fault',
      fault.kind === 'client'
        ? 'The backend system refused the request for a reason the gateway does not know.'
        : 'The backend system failed to process the request.',
    );
  };
}

function detailCodeOf(read: Reader, fault: SoapFault): string | null {
  try {
    const value = read(fault.detail!);
    return typeof value === 'string' ? value.trim() : null;
  } catch {
    return null; // a malformed detail matches no rule; the fault still becomes a problem
  }
}

function compileRule(rule: FaultRule, scope: SourceScope, where: string, context: CompileContext): CompiledRule {
  const { code, subcode, detail } = rule.when;
  const codes = detail === undefined ? undefined : new Set(Array.isArray(detail) ? detail : [detail]);
  const renderDetail = rule.detail === undefined ? () => undefined : compileInputTemplate(rule.detail, scope, `${where}.detail`, context);
  return {
    matches: (fault, detailCode) =>
      (code === undefined || code === fault.kind || code === fault.code) &&
      (subcode === undefined || fault.subcodes.includes(subcode)) &&
      (codes === undefined || (detailCode !== null && codes.has(detailCode))),
    toError: (input) =>
      new GatewayError({
        slug: rule.type,
        status: rule.status,
        title: rule.title,
        detail: renderDetail(input),
        retryAfterSeconds: rule.retryAfter,
      }),
  };
}
