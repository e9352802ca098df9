import { executeRoute, type RouteDependencies } from '../http/index.js';
import type { CompiledExample, CompiledRoute } from '../mapping/index.js';
import { isGatewayError, problemTypeUri } from '../problem/index.js';
import { openEnvelope, type XmlElement, type XmlLimits } from '../soap/index.js';
import type { UpstreamReply, UpstreamRequest } from '../upstream/index.js';
import { subsetMismatches } from './subset-match.js';
import { runWithTimeout } from '../resilience/index.js';

/**
 * Runs a mapping's examples through the same route code the gateway serves with, but with the
 * example's canned reply instead of the network: a mapping is tested without deploying anything.
 */

export interface ExampleResult {
  readonly route: string;
  readonly example: CompiledExample;
  readonly failures: readonly string[];
}

export interface ExampleRunOptions {
  readonly limits: XmlLimits;
  readonly problemTypeBase: string;
}

export async function runExamples(routes: readonly CompiledRoute[], options: ExampleRunOptions): Promise<ExampleResult[]> {
  const results: ExampleResult[] = [];
  for (const route of routes) {
    for (const example of route.examples) {
      results.push({ route: route.id, example, failures: await runExample(route, example, options) });
    }
  }
  return results;
}

async function runExample(route: CompiledRoute, example: CompiledExample, options: ExampleRunOptions): Promise<string[]> {
  let sent: UpstreamRequest | undefined;
  const dependencies: RouteDependencies = {
    limits: options.limits,
    sendTo: () => async (request): Promise<UpstreamReply> => {
      sent = request;
      return { status: example.replyStatus, headers: {}, body: Buffer.from(example.reply), endpoint: 'example' };
    },
  };
  const raw = { params: example.input.params ?? {}, query: example.input.query ?? {}, body: example.input.body };
  const failures: string[] = [];
  try {
    const answer = await runWithTimeout(new AbortController().signal, 5_000, (signal) => executeRoute(route, raw, dependencies, signal));
    if (example.expectProblem) failures.push(`expected a problem (${describeExpectedProblem(example)}), got an answer`);
    if (example.expect !== undefined) failures.push(...subsetMismatches(example.expect, answer).map((text) => `answer ${text}`));
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    const expected = example.expectProblem;
    if (!expected) failures.push(`expected an answer, got problem ${error.slug} (${error.status}): ${error.detail ?? error.title}`);
    else {
      if (expected.status !== undefined && expected.status !== error.status) failures.push(`expected status ${expected.status}, got ${error.status} (${error.slug})`);
      if (expected.type !== undefined && problemTypeUri(expected.type, options.problemTypeBase) !== problemTypeUri(error.slug, options.problemTypeBase)) {
        failures.push(`expected problem type ${expected.type}, got ${error.slug}`);
      }
    }
  }
  if (example.expectRequest !== undefined) failures.push(...checkRequest(example, sent, route, options.limits));
  return failures;
}

function checkRequest(example: CompiledExample, sent: UpstreamRequest | undefined, route: CompiledRoute, limits: XmlLimits): string[] {
  if (!sent?.body) return ['expected a request to be sent, but none was'];
  const body = openEnvelope(sent.body, route.legacy.operation.soapVersion, limits).body;
  if (!body) return ['the request envelope has an empty body'];
  return subsetMismatches(example.expectRequest, simplify(body)).map((text) => `request ${text}`);
}

/** A request body as plain data for comparison: text leaves, repeated names as lists. */
function simplify(element: XmlElement): unknown {
  if (element.nil) return null;
  if (element.children.length === 0) return element.text;
  const groups = new Map<string, unknown[]>();
  for (const child of element.children) {
    const group = groups.get(child.name);
    if (group) group.push(simplify(child));
    else groups.set(child.name, [simplify(child)]);
  }
  return Object.fromEntries([...groups].map(([name, values]) => [name, values.length === 1 ? values[0] : values]));
}

function describeExpectedProblem(example: CompiledExample): string {
  const { status, type } = example.expectProblem ?? {};
  return [status, type].filter((part) => part !== undefined).join(' ');
}
