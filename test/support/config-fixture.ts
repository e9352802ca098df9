import { mkdtempSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../..');

export interface FixtureOptions {
  /** Extra gateway.yaml text under `upstreams.crm` (indented by the caller). */
  readonly crmEndpoint?: string;
  readonly policyEndpoint?: string;
  readonly modernEndpoint?: string;
  readonly crmTimeoutMs?: number;
  /** Extra lines under `upstreams.crm` (its protection policy), e.g. `breaker: { enabled: false }`. */
  readonly crmPolicy?: readonly string[];
  readonly limits?: string;
  /** More top-level gateway.yaml text, e.g. a `telemetry:` section. */
  readonly extra?: string;
  /** Mapping files to write instead of copying the demo's: name -> YAML text. */
  readonly mappings?: Readonly<Record<string, string>>;
}

/** A throw-away config folder using the demo's WSDLs (and, unless replaced, its mappings). */
export function writeConfigFixture(options: FixtureOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ficus-config-'));
  const mappingsDir = join(dir, 'mappings');
  if (options.mappings) {
    mkdirSync(mappingsDir);
    for (const [name, text] of Object.entries(options.mappings)) writeFileSync(join(mappingsDir, name), text);
  } else {
    cpSync(join(repo, 'mappings'), mappingsDir, { recursive: true });
  }
  writeFileSync(
    join(dir, 'gateway.yaml'),
    [
      'mappings: mappings',
      'problemTypeBase: "urn:test:"',
      options.limits ?? '',
      options.extra ?? '',
      'upstreams:',
      '  crm:',
      `    wsdl: ${join(repo, 'legacy-stubs/crm/CustomerService.wsdl')}`,
      `    endpoints: ["${options.crmEndpoint ?? 'http://127.0.0.1:9/crm'}"]`,
      `    timeoutMs: ${options.crmTimeoutMs ?? 5000}`,
      ...(options.crmPolicy ?? []).map((line) => `    ${line}`),
      '  policy:',
      `    wsdl: ${join(repo, 'legacy-stubs/policy/PolicyService.wsdl')}`,
      `    endpoints: ["${options.policyEndpoint ?? 'http://127.0.0.1:9/policy'}"]`,
      '  customer-service:',
      `    endpoints: ["${options.modernEndpoint ?? 'http://127.0.0.1:9'}"]`,
    ].join('\n'),
  );
  return join(dir, 'gateway.yaml');
}
