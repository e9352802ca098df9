import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ChildMessage, EventLoopStats, ParentMessage } from '../servers/probe.js';
import { serversDir } from './paths.js';

/**
 * The parent side of the benchmark's process protocol (see servers/probe.ts): every server runs
 * in its own process, so that its memory and event loop are its own. Every child started here is
 * remembered and killed by `killAll`, which the runner calls on any exit.
 */

const children = new Set<ChildProcess>();
const STARTUP_TIMEOUT_MS = 30_000;
const REPLY_TIMEOUT_MS = 10_000;

export interface StartOptions {
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly execArgv?: readonly string[];
}

/** The last few thousand characters a child wrote to stderr, for error messages. */
class StderrTail {
  private text = '';

  constructor(child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.text = (this.text + chunk.toString('utf8')).slice(-4_000);
    });
  }

  toString(): string {
    return this.text;
  }
}

export class BenchProcess {
  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly stderr: StderrTail,
  ) {}

  /**
   * Forks `dist/bench/servers/<script>.js` (or `script` itself, given as an absolute path) with its
   * options as JSON, and waits until it listens.
   */
  static async start(name: string, script: string, options: object, startOptions: StartOptions = {}): Promise<BenchProcess> {
    const child = fork(isAbsolute(script) ? script : join(serversDir, `${script}.js`), [JSON.stringify(options)], {
      execArgv: [...(startOptions.execArgv ?? [])],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info' },
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    const stderr = new StderrTail(child);
    try {
      const ready = await nextMessage(child, ['ready', 'failed'], STARTUP_TIMEOUT_MS);
      if (ready.type !== 'ready') throw new Error(ready.type === 'failed' ? ready.message : 'unexpected message');
      return new BenchProcess(name, child, ready.url, stderr);
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start: ${(error as Error).message}\n${stderr}`);
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async resetEventLoop(): Promise<void> {
    await this.ask({ type: 'reset' }, 'reset');
  }

  async eventLoop(): Promise<EventLoopStats> {
    const reply = await this.ask({ type: 'stats' }, 'stats');
    if (reply.type !== 'stats') throw new Error('unexpected reply');
    return reply.eventLoop;
  }

  /** Starts a new peak: the kernel's high-water mark of resident memory is set to the current RSS. */
  resetPeakRss(): void {
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
    } catch {
      // Without permission the peak covers the process's whole life, which is still a peak.
    }
  }

  /**
   * CPU time the process has used since it started, user plus system, of all its threads (worker
   * threads included), in seconds: utime + stime from `/proc/<pid>/stat`. The kernel counts in
   * clock ticks, so the resolution is one tick (10 ms at the usual 100 per second).
   */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from after it, where
    // field 3 (state) is index 0, so utime (14) and stime (15) are indexes 11 and 12.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks().perSecond;
  }

  /** The process's peak resident memory (VmHWM) in MiB. */
  peakRssMb(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
    return kb / 1024;
  }

  /** Asks the child to close (which writes its CPU profile, if any); kills it if it does not. */
  async stop(): Promise<void> {
    const { child } = this;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.send({ type: 'stop' } satisfies ParentMessage);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private async ask(message: ParentMessage, answer: ChildMessage['type']): Promise<ChildMessage> {
    const reply = nextMessage(this.child, [answer], REPLY_TIMEOUT_MS);
    this.child.send(message);
    try {
      return await reply;
    } catch (error) {
      throw new Error(`${this.name}: ${(error as Error).message}\n${this.stderr.toString()}`);
    }
  }
}

let ticks: ClockTicks | undefined;

export interface ClockTicks {
  readonly perSecond: number;
  /** True when `getconf CLK_TCK` could not be asked and Linux's usual 100 is assumed. */
  readonly assumed: boolean;
}

/** The unit of `/proc`'s CPU times, asked once. */
export function clockTicks(): ClockTicks {
  if (ticks === undefined) {
    try {
      const perSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticks = Number.isInteger(perSecond) && perSecond > 0 ? { perSecond, assumed: false } : { perSecond: 100, assumed: true };
    } catch {
      ticks = { perSecond: 100, assumed: true };
    }
  }
  return ticks;
}

function nextMessage(child: ChildProcess, types: readonly ChildMessage['type'][], timeoutMs: number): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no '${types.join("' or '")}' within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: ChildMessage): void => {
      if (types.includes(message.type)) done(undefined, message);
    };
    const onExit = (code: number | null, signal: string | null): void => done(new Error(`exited (${signal ?? code})`));
    function done(error?: Error, message?: ChildMessage): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Kills every child still running; safe to call from an exit handler (synchronous). */
export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}
