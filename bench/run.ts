import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { containerNodeFlags } from './lib/container-flags.js';
import { runLoad, type LoadFigures, type LoadShape, type LoadTarget } from './lib/load.js';
import { resultsDir, repoRoot } from './lib/paths.js';
import { BenchProcess, clockTicks, killAll } from './lib/processes.js';
import {
  checkTargets, formatTable, ratioHeaders, ratioRows, ratiosOf, runHeaders, runRows,
  medianOf, type Contender, type Mode, type Round, type RunResult, type View,
} from './lib/report.js';
import { LARGE_ROWS, workloads, type Size } from './lib/workloads.js';

/**
 * Ficus against the direct call, a pass-through proxy and a hand-written node-soap gateway, for a
 * small and a large reply, at a fixed concurrency and at a fixed rate. Prints a table and writes
 * bench/results/latest.json. Everything runs on 127.0.0.1, each server in its own process,
 * bounded in time. See README, "Benchmarks".
 *
 * @example
 * npm run bench -- --quick
 * npm run bench -- --view canned --size large --profile --baseline ../ficus-before
 */

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    view: { type: 'string', multiple: true },
    size: { type: 'string', multiple: true },
    baseline: { type: 'string' },
  },
});
const quick = args.quick ?? false;
const views: readonly View[] = (args.view as View[] | undefined) ?? ['canned', 'stub'];
const sizes: readonly Size[] = (args.size as Size[] | undefined) ?? ['small', 'large'];
/** `--baseline DIR`: another Ficus checkout (bench built there too) joins as a fifth contender, for before/after. */
const baselineDir = args.baseline === undefined ? undefined : resolve(args.baseline);
const contenders: readonly Contender[] = ['direct', 'passthrough', 'node-soap', 'ficus', ...(baselineDir === undefined ? [] : ['baseline' as const])];
const modes: readonly Mode[] = ['concurrency', 'rate'];
for (const [option, given, known] of [['--view', views, ['canned', 'stub']], ['--size', sizes, ['small', 'large']]] as const) {
  const unknown = given.filter((value) => !(known as readonly string[]).includes(value));
  if (unknown.length > 0) {
    console.error(`bench: ${option} takes ${known.join(' or ')}, not ${unknown.join(', ')}`);
    process.exit(2);
  }
}

/**
 * Per load mode: seconds of warm-up per contender, then `rounds` rounds in which each contender
 * in turn is measured for `measure` seconds. Contenders alternate round by round, so background
 * load on the machine falls on all of them alike; each figure is the median of its rounds, and a
 * requests/s ratio the median of the ratios within a round. The canned view takes six rounds of
 * 2 s (the time three of 4 s took): the machine drifts by a third within seconds, so shorter rounds
 * pair contenders more closely and more of them steady the median. The stub view is a second
 * look, kept shorter.
 */
const timing: Readonly<Record<View, { warm: number; measure: number; rounds: number }>> = quick
  ? { canned: { warm: 1, measure: 1.5, rounds: 2 }, stub: { warm: 1, measure: 1, rounds: 2 } }
  : { canned: { warm: 2, measure: 2, rounds: 6 }, stub: { warm: 1, measure: 2, rounds: 3 } };

/**
 * Large replies at 10 connections take about a second each, and a call still running when a round
 * ends is not counted: rounds of 2 s would count too few. They keep four rounds of 4 s.
 */
function timingOf(view: View, size: Size): { warm: number; measure: number; rounds: number } {
  const base = timing[view];
  return !quick && view === 'canned' && size === 'large' ? { ...base, measure: 4, rounds: 4 } : base;
}

/**
 * Ten connections throughout. The fixed rates are ones every gateway can serve on this machine
 * (2 cores shared by the load generator, the upstream and the gateway), so that latencies compare
 * service times, not queues.
 */
const CONNECTIONS = 10;
const rates: Readonly<Record<View, Record<Size, number>>> = {
  canned: { small: 300, large: 2 },
  stub: { small: 300, large: 2 },
};
/** The whole run; a fifth contender takes a quarter longer. */
const HARD_LIMIT_MS = (quick ? 175 : 900) * (baselineDir === undefined ? 1 : 1.3) * 1000;

function shapeOf(view: View, size: Size, mode: Mode): Omit<LoadShape, 'seconds'> {
  return mode === 'rate' ? { connections: CONNECTIONS, rate: rates[view][size] } : { connections: CONNECTIONS };
}

const scripts: Readonly<Record<Exclude<Contender, 'direct'>, string>> = {
  passthrough: 'passthrough',
  'node-soap': 'node-soap-gateway',
  ficus: 'ficus',
  baseline: join(baselineDir ?? '.', 'dist', 'bench', 'servers', 'ficus.js'),
};

async function main(): Promise<number> {
  const started = Date.now();
  mkdirSync(resultsDir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'ficus-bench-'));
  try {
    log(`bench: ${quick ? 'quick' : 'full'} run, views ${views.join(', ')}; node ${process.version}, ${cpus().length} cores`);
    if (clockTicks().assumed) log('bench: getconf CLK_TCK failed; CPU times assume 100 clock ticks per second');
    const stub = await BenchProcess.start('crm stub', 'crm-stub', {});
    const replyBytes: Record<string, number> = {};
    const cannedFiles: Record<string, string> = {};
    for (const size of sizes) {
      const workload = workloads[size];
      const reply = await capture(stub.url, size);
      const file = join(scratch, `${size}.xml`);
      writeFileSync(file, reply);
      cannedFiles[workload.soapHeaders['soapaction']!.replace(/"/g, '')] = file;
      replyBytes[size] = reply.length;
      log(`captured the stub's ${size} reply (${workload.operation}): ${reply.length} bytes`);
    }
    const canned = await BenchProcess.start('canned upstream', 'canned-upstream', { replies: cannedFiles });
    const upstreams: Record<View, BenchProcess> = { canned, stub };

    const runs: RunResult[] = [];
    const failures: string[] = [];
    const answers = new Map<string, unknown>();
    for (const view of views) {
      for (const size of sizes) {
        try {
          runs.push(...(await measure(view, size, upstreams[view].url, answers)));
        } catch (error) {
          const message = `${view}/${size}: ${(error as Error).message}`;
          failures.push(message);
          log(`FAILED ${message}`);
        }
      }
    }
    await Promise.all([canned.stop(), stub.stop()]);

    const sameJson = views.flatMap((view) =>
      sizes.map((size) => {
        const a = answers.get(`${view}/${size}/ficus`);
        const b = answers.get(`${view}/${size}/node-soap`);
        const c = answers.get(`${view}/${size}/baseline`);
        return {
          view,
          size,
          ficusEqualsNodeSoap: a !== undefined && b !== undefined && isDeepStrictEqual(a, b),
          ...(baselineDir === undefined ? {} : { ficusEqualsBaseline: a !== undefined && c !== undefined && isDeepStrictEqual(a, c) }),
        };
      }),
    );
    const ratios = ratiosOf(runs);
    const targets = checkTargets(runs, ratios);
    const report = {
      meta: {
        date: new Date().toISOString(),
        commit: gitDescribe(),
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        quick,
        seconds: timing,
        connections: CONNECTIONS,
        rates,
        replyBytes,
        largeRows: LARGE_ROWS,
        // The unit of the gateways' CPU times in /proc, from `getconf CLK_TCK` unless `assumed`.
        cpuClockTicks: clockTicks(),
        baseline: baselineDir ?? null,
        wallSeconds: (Date.now() - started) / 1000,
      },
      runs,
      ratios,
      targets,
      sameJson,
      failures,
    };
    const file = join(resultsDir, 'latest.json');
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');

    console.log(`\n${formatTable(runHeaders, runRows(runs))}\n`);
    console.log(`${formatTable(ratioHeaders, ratioRows(ratios))}\n`);
    for (const check of sameJson) {
      console.log(`${check.view}/${check.size}: ficus and node-soap answer the same JSON: ${check.ficusEqualsNodeSoap ? 'yes' : 'NO'}`);
      if (check.ficusEqualsBaseline !== undefined) console.log(`${check.view}/${check.size}: ficus and the baseline answer the same JSON: ${check.ficusEqualsBaseline ? 'yes' : 'NO'}`);
    }
    console.log('\ntargets (canned view):');
    for (const target of targets) {
      console.log(`  ${target.met ? 'met    ' : 'MISSED '} ${target.target}: ${target.value === null ? '-' : target.value.toFixed(2)} (goal ${target.goal})`);
    }
    for (const failure of failures) console.log(`FAILED ${failure}`);
    console.log(`\nwrote ${file} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return failures.length > 0 || sameJson.some((check) => !check.ficusEqualsNodeSoap || check.ficusEqualsBaseline === false) ? 1 : 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The reply bytes the stub sends for a workload's SOAP request. */
async function capture(stubUrl: string, size: Size): Promise<Buffer> {
  const workload = workloads[size];
  const response = await fetch(stubUrl, { method: 'POST', headers: workload.soapHeaders, body: workload.soapRequest });
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`the stub answered ${response.status} to ${workload.operation}: ${body.toString('utf8', 0, 500)}`);
  return body;
}

/** A contender ready for load: its process (none for direct) and what the load generator calls. */
interface Entrant {
  readonly contender: Contender;
  readonly gateway: BenchProcess | null;
  readonly target: LoadTarget;
}

/**
 * Starts the gateways for one view and size, checks every contender's answer, then runs each
 * load mode: a warm-up per contender, then rounds in which the contenders take turns.
 */
async function measure(view: View, size: Size, upstreamUrl: string, answers: Map<string, unknown>): Promise<RunResult[]> {
  const workload = workloads[size];
  const soap: LoadTarget = { url: upstreamUrl, method: 'POST', headers: workload.soapHeaders, body: workload.soapRequest };
  const entrants: Entrant[] = [];
  try {
    for (const contender of contenders) {
      if (contender === 'direct') {
        entrants.push({ contender, gateway: null, target: soap });
        continue;
      }
      const isFicus = contender === 'ficus' || contender === 'baseline';
      const execArgv = [
        ...(isFicus ? containerNodeFlags(contender === 'baseline' ? baselineDir! : repoRoot) : []),
        ...(args.profile && isFicus
          ? ['--cpu-prof', `--cpu-prof-dir=${join(resultsDir, 'profiles')}`, `--cpu-prof-name=${contender}-${view}-${size}.cpuprofile`]
          : []),
      ];
      const gateway = await BenchProcess.start(contender, scripts[contender], { upstream: upstreamUrl }, { execArgv });
      const target: LoadTarget = contender === 'passthrough' ? { ...soap, url: `${gateway.url}/crm` } : { url: gateway.url + workload.domainPath, method: 'GET' };
      entrants.push({ contender, gateway, target });
    }
    for (const { contender, target } of entrants) answers.set(`${view}/${size}/${contender}`, await check(target, contender));

    const results: RunResult[] = [];
    const { warm, measure: seconds, rounds } = timingOf(view, size);
    for (const mode of modes) {
      const shape = shapeOf(view, size, mode);
      for (const { target, gateway } of entrants) {
        await runLoad(target, { ...shape, seconds: warm });
        gateway?.resetPeakRss();
      }
      const perRound = new Map<Contender, Round[]>(entrants.map(({ contender }) => [contender, []]));
      for (let round = 0; round < rounds; round++) {
        for (const { contender, target, gateway } of entrants) {
          await gateway?.resetEventLoop();
          // Read right around the load, so that the IPC of the event-loop probe is not counted.
          const cpuBefore = gateway?.cpuSeconds() ?? 0;
          const figures = await runLoad(target, { ...shape, seconds });
          const cpuUsPerRequest = gateway === null ? null : perRequestUs(gateway.cpuSeconds() - cpuBefore, figures);
          perRound.get(contender)!.push({ ...figures, eventLoopDelayMs: gateway === null ? null : await gateway.eventLoop(), cpuUsPerRequest });
        }
      }
      for (const { contender, gateway } of entrants) {
        const result: RunResult = {
          view,
          size,
          mode,
          contender,
          load: { ...shape, seconds, rounds },
          ...medianOf(perRound.get(contender)!),
          peakRssMb: gateway === null ? null : gateway.peakRssMb(),
          rounds: perRound.get(contender)!,
        };
        results.push(result);
        log(runRows([result])[0]!.join('  '));
      }
    }
    return results;
  } finally {
    await Promise.all(entrants.map(({ gateway }) => gateway?.stop()));
  }
}

/**
 * CPU seconds over the requests the gateway answered (failures included: it worked on them too),
 * in microseconds; null without any.
 */
function perRequestUs(cpuSeconds: number, figures: LoadFigures): number | null {
  const answered = figures.ok + figures.failed;
  return answered === 0 ? null : (cpuSeconds * 1e6) / answered;
}

/** One request before the load: it must succeed; a gateway's JSON is kept to compare. */
async function check(target: LoadTarget, contender: Contender): Promise<unknown> {
  const response = await fetch(target.url, {
    method: target.method,
    ...(target.headers ? { headers: target.headers } : {}),
    ...(target.body !== undefined ? { body: target.body } : {}),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${contender} answered ${response.status}: ${text.slice(0, 500)}`);
  return contender === 'direct' || contender === 'passthrough' ? undefined : JSON.parse(text);
}

function gitDescribe(): string | null {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

function log(message: string): void {
  console.error(message);
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}
setTimeout(() => {
  log(`bench: still running after ${HARD_LIMIT_MS / 1000} s; stopping`);
  killAll();
  process.exit(2);
}, HARD_LIMIT_MS).unref();

main().then(
  (code) => {
    killAll();
    process.exit(code);
  },
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    killAll();
    process.exit(1);
  },
);
