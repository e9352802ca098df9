import type { EventLoopStats } from '../servers/probe.js';
import type { LoadFigures } from './load.js';
import type { Size } from './workloads.js';

/** `baseline`: another build of Ficus (`--baseline DIR`), to compare before and after a change. */
export type Contender = 'direct' | 'passthrough' | 'node-soap' | 'ficus' | 'baseline';
export type Mode = 'concurrency' | 'rate';
/** `canned`: the upstream serves captured bytes (measures the gateway); `stub`: the node-soap stub itself. */
export type View = 'canned' | 'stub';

/** One contender's figures in one round. */
export interface Round extends LoadFigures {
  /** Event-loop delay of the gateway process during the round; null for direct (no gateway). */
  readonly eventLoopDelayMs: EventLoopStats | null;
  /**
   * CPU time (user + system, all threads) the gateway process used during the round's load, in
   * microseconds per request answered; null for direct (no gateway) or a round without answers.
   */
  readonly cpuUsPerRequest: number | null;
}

/** One contender under one load: each figure is the median of its rounds (`rounds` has them all). */
export interface RunResult extends Round {
  readonly view: View;
  readonly size: Size;
  readonly mode: Mode;
  /** Connections, and for `rate` the requests per second offered; seconds per round. */
  readonly load: { readonly connections: number; readonly rate?: number; readonly seconds: number; readonly rounds: number };
  readonly contender: Contender;
  /** Peak resident memory of the gateway process over all rounds of this load; null for direct. */
  readonly peakRssMb: number | null;
  readonly rounds: readonly Round[];
}

/**
 * The median of the finite values (a failed division gives NaN and is left out); for an even count
 * the mean of the two middle ones, since with six rounds the upper middle alone would lean high.
 * NaN when there is none.
 */
function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The median of each figure over the rounds. */
export function medianOf(rounds: readonly Round[]): Round {
  const figure = (pick: (round: Round) => number): number => median(rounds.map(pick));
  const loops = rounds.map((round) => round.eventLoopDelayMs).filter((stats) => stats !== null);
  const cpu = rounds.map((round) => round.cpuUsPerRequest).filter((value) => value !== null);
  return {
    requestsPerSecond: figure((round) => round.requestsPerSecond),
    latencyP50Ms: figure((round) => round.latencyP50Ms),
    latencyP99Ms: figure((round) => round.latencyP99Ms),
    ok: rounds.reduce((sum, round) => sum + round.ok, 0),
    failed: rounds.reduce((sum, round) => sum + round.failed, 0),
    failures: {
      errors: rounds.reduce((sum, round) => sum + round.failures.errors, 0),
      timeouts: rounds.reduce((sum, round) => sum + round.failures.timeouts, 0),
      non2xx: rounds.reduce((sum, round) => sum + round.failures.non2xx, 0),
      statusCodes: rounds.reduce<Record<string, number>>((codes, round) => {
        for (const [code, count] of Object.entries(round.failures.statusCodes)) codes[code] = (codes[code] ?? 0) + count;
        return codes;
      }, {}),
    },
    megabytesPerSecond: figure((round) => round.megabytesPerSecond),
    eventLoopDelayMs: loops.length === 0 ? null : {
      p50: median(loops.map((stats) => stats.p50)),
      p99: median(loops.map((stats) => stats.p99)),
      max: Math.max(...loops.map((stats) => stats.max)),
      samples: loops.reduce((sum, stats) => sum + stats.samples, 0),
    },
    cpuUsPerRequest: cpu.length === 0 ? null : median(cpu),
  };
}

export interface Ratio {
  readonly view: View;
  readonly size: Size;
  readonly mode: Mode;
  readonly baseline: Exclude<Contender, 'ficus'>;
  /**
   * ficus / baseline requests per second: the median over the rounds of ficus's round i / the
   * baseline's round i. The two ran seconds apart, so the machine's drift, which moves a contender
   * by a third between rounds, largely cancels. The ratio of the medians if the round counts differ.
   */
  readonly requestsPerSecond: number;
  /** ficus / baseline requests per second in each round, in order; empty when the round counts differ. */
  readonly requestsPerSecondRounds: readonly number[];
  /** ficus / baseline latency: the ratio of the medians (a round's latencies are not paired). */
  readonly latencyP50: number;
  readonly latencyP99: number;
  /** ficus / baseline CPU time per request, paired by round like `requestsPerSecond`; null against direct (no CPU figure). */
  readonly cpuPerRequest: number | null;
}

export interface TargetCheck {
  readonly target: string;
  readonly value: number | null;
  readonly goal: string;
  readonly met: boolean;
}

const baselines = ['direct', 'passthrough', 'node-soap', 'baseline'] as const;

export function ratiosOf(runs: readonly RunResult[]): Ratio[] {
  const ratios: Ratio[] = [];
  for (const ficus of runs.filter((run) => run.contender === 'ficus')) {
    for (const baseline of baselines) {
      const other = runs.find((run) => run.contender === baseline && run.view === ficus.view && run.size === ficus.size && run.mode === ficus.mode);
      if (!other) continue;
      const requestsPerSecond = pairedRatio(ficus, other, (round) => round.requestsPerSecond);
      ratios.push({
        view: ficus.view,
        size: ficus.size,
        mode: ficus.mode,
        baseline,
        requestsPerSecond: requestsPerSecond.value ?? NaN,
        requestsPerSecondRounds: requestsPerSecond.rounds,
        latencyP50: divide(ficus.latencyP50Ms, other.latencyP50Ms),
        latencyP99: divide(ficus.latencyP99Ms, other.latencyP99Ms),
        cpuPerRequest: pairedRatio(ficus, other, (round) => round.cpuUsPerRequest).value,
      });
    }
  }
  return ratios;
}

/**
 * ficus's round i against the other's round i, for every round; NaN for a round where either has
 * no figure. Null when the round counts differ, so that rounds cannot be paired.
 */
function perRound(ficus: RunResult, other: RunResult, pick: (round: Round) => number | null): number[] | null {
  if (ficus.rounds.length !== other.rounds.length || ficus.rounds.length === 0) return null;
  return ficus.rounds.map((round, index) => {
    const a = pick(round);
    const b = pick(other.rounds[index]!);
    return a === null || b === null ? NaN : divide(a, b);
  });
}

/**
 * ficus / other for one figure, paired by round: the median of the per-round ratios (and those
 * ratios), or the ratio of the medians when the rounds cannot be paired (`rounds` empty). Null
 * when either side has no such figure (direct has no CPU time).
 */
function pairedRatio(ficus: RunResult, other: RunResult, pick: (round: Round) => number | null): { value: number | null; rounds: number[] } {
  const [mine, theirs] = [pick(ficus), pick(other)];
  if (mine === null || theirs === null) return { value: null, rounds: [] };
  const rounds = perRound(ficus, other, pick);
  return rounds === null ? { value: divide(mine, theirs), rounds: [] } : { value: median(rounds), rounds };
}

/**
 * The targets, judged on the canned view (there the gateway, not the stub, is measured);
 * the requests/s targets on the ratios paired by round.
 */
export function checkTargets(runs: readonly RunResult[], ratios: readonly Ratio[]): TargetCheck[] {
  const ratio = (size: Size, baseline: Ratio['baseline']): number | null =>
    ratios.find((r) => r.view === 'canned' && r.size === size && r.mode === 'concurrency' && r.baseline === baseline)?.requestsPerSecond ?? null;
  const ficus = (size: Size) => runs.filter((run) => run.view === 'canned' && run.size === size && run.contender === 'ficus');
  const worst = (values: Array<number | null | undefined>): number | null => {
    const known = values.filter((value): value is number => typeof value === 'number');
    return known.length === 0 ? null : Math.max(...known);
  };
  const checks: Array<[string, number | null, string, (value: number) => boolean]> = [
    ['small: ficus / node-soap requests/s', ratio('small', 'node-soap'), '>= 1.5', (v) => v >= 1.5],
    ['small: ficus / passthrough requests/s', ratio('small', 'passthrough'), '>= 0.6', (v) => v >= 0.6],
    ['large: ficus / node-soap requests/s', ratio('large', 'node-soap'), '>= 1.5', (v) => v >= 1.5],
    ['large: ficus event-loop delay p99 (ms, worst mode)', worst(ficus('large').map((run) => run.eventLoopDelayMs?.p99)), '< 50', (v) => v < 50],
    ['small: ficus peak RSS (MiB, worst mode)', worst(ficus('small').map((run) => run.peakRssMb)), '< 200', (v) => v < 200],
  ];
  return checks.map(([target, value, goal, met]) => ({ target, value, goal, met: value !== null && met(value) }));
}

function divide(a: number, b: number): number {
  return b === 0 ? NaN : a / b;
}

export function formatTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column < 4 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export function runRows(runs: readonly RunResult[]): string[][] {
  return runs.map((run) => [
    run.view,
    run.size,
    run.mode === 'rate' ? `rate ${run.load.rate}/s` : `c=${run.load.connections}`,
    run.contender,
    fixed(run.requestsPerSecond, 1),
    fixed(run.latencyP50Ms, 1),
    fixed(run.latencyP99Ms, 1),
    run.cpuUsPerRequest === null ? '-' : fixed(run.cpuUsPerRequest, 0),
    run.peakRssMb === null ? '-' : fixed(run.peakRssMb, 0),
    run.eventLoopDelayMs === null ? '-' : fixed(run.eventLoopDelayMs.p99, 1),
    run.eventLoopDelayMs === null ? '-' : fixed(run.eventLoopDelayMs.max, 0),
    String(run.failed),
  ]);
}

export const runHeaders = ['view', 'size', 'load', 'contender', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'RSS MiB', 'ELD p99 ms', 'ELD max ms', 'failed'];

export function ratioRows(ratios: readonly Ratio[]): string[][] {
  return ratios.map((ratio) => [
    ratio.view,
    ratio.size,
    ratio.mode,
    `ficus/${ratio.baseline}`,
    fixed(ratio.requestsPerSecond, 2),
    fixed(ratio.latencyP50, 2),
    fixed(ratio.latencyP99, 2),
    ratio.cpuPerRequest === null ? '-' : fixed(ratio.cpuPerRequest, 2),
  ]);
}

export const ratioHeaders = ['view', 'size', 'load', 'ratio', 'req/s', 'p50', 'p99', 'CPU/req'];

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}
