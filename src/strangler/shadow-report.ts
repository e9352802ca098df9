import { generalize, type CompiledComparison, type Difference } from './compare.js';
import type { TargetName } from './flag.js';

/** One mismatch kept for people to look at, with configured PII replaced. */
export interface MismatchSample {
  readonly at: string;
  readonly requestId: string | undefined;
  /** Who answered the client; the other one was the shadow. */
  readonly primary: TargetName;
  readonly input: { params: Record<string, unknown>; query: Record<string, unknown> };
  readonly differences: readonly Difference[];
}

export interface ShadowSnapshot {
  readonly matched: number;
  readonly mismatched: number;
  readonly secondaryFailed: number;
  readonly skipped: number;
  /** mismatched / (matched + mismatched); null before the first comparison. */
  readonly mismatchRate: number | null;
  readonly topDifferingPaths: ReadonlyArray<{ path: string; count: number }>;
  readonly recentMismatches: readonly MismatchSample[];
}

const maxDistinctPaths = 200;
const maxDifferencesPerSample = 20;
const redacted = '[redacted]';

/** Counts and a bounded ring of samples for one route; memory stays bounded whatever the traffic. */
export class ShadowReport {
  private matched = 0;
  private mismatched = 0;
  private secondaryFailed = 0;
  private skipped = 0;
  private readonly pathCounts = new Map<string, number>();
  private readonly samples: MismatchSample[] = [];

  constructor(
    private readonly comparison: CompiledComparison,
    private readonly sampleCapacity: number,
  ) {}

  recordMatch(): void {
    this.matched++;
  }

  recordSkip(): void {
    this.skipped++;
  }

  recordSecondaryFailure(): void {
    this.secondaryFailed++;
  }

  recordMismatch(differences: readonly Difference[], context: Omit<MismatchSample, 'differences' | 'at'>): void {
    this.mismatched++;
    for (const { path } of differences) {
      const general = generalize(path);
      if (this.pathCounts.has(general) || this.pathCounts.size < maxDistinctPaths) this.pathCounts.set(general, (this.pathCounts.get(general) ?? 0) + 1);
    }
    this.samples.push({
      ...context,
      input: { params: this.redactInput('params', context.input.params), query: this.redactInput('query', context.input.query) },
      at: new Date().toISOString(),
      differences: differences.slice(0, maxDifferencesPerSample).map((difference) => this.redactDifference(difference)),
    });
    if (this.samples.length > this.sampleCapacity) this.samples.shift();
  }

  snapshot(): ShadowSnapshot {
    const compared = this.matched + this.mismatched;
    return {
      matched: this.matched,
      mismatched: this.mismatched,
      secondaryFailed: this.secondaryFailed,
      skipped: this.skipped,
      mismatchRate: compared === 0 ? null : this.mismatched / compared,
      topDifferingPaths: [...this.pathCounts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([path, count]) => ({ path, count })),
      recentMismatches: [...this.samples].reverse(),
    };
  }

  private redactDifference(difference: Difference): Difference {
    if (!this.comparison.isRedacted(difference.path)) return difference;
    return { path: difference.path, primary: redacted, secondary: redacted };
  }

  private redactInput(kind: 'params' | 'query', values: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, this.comparison.isRedacted(`/${kind}/${name}`) ? redacted : value]));
  }
}
