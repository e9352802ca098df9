import { mkdir, open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { flagEventSchema, type FlagEvent } from './flag-log.js';

/**
 * Where the flag log lives. The embedded default is a local file; a store shared by a fleet of
 * replicas implements the same contract.
 */
export interface FlagStore {
  /** Every stored event in seq order, plus what was repaired on the way (a torn last line). */
  load(): Promise<{ events: FlagEvent[]; warnings: string[] }>;
  /**
   * Appends the event as seq `expectedVersion + 1`, durably, if the log is still at
   * `expectedVersion`; throws VersionConflictError otherwise.
   */
  append(event: Omit<FlagEvent, 'seq'>, expectedVersion: number): Promise<FlagEvent>;
  close(): Promise<void>;
}

export class VersionConflictError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`the flag log is at version ${actual}, not ${expected}`);
    this.name = 'VersionConflictError';
  }
}

export function isVersionConflict(error: unknown): error is VersionConflictError {
  return error instanceof VersionConflictError;
}

export class CorruptFlagLogError extends Error {
  constructor(file: string, line: number, why: string) {
    super(`${file}:${line}: the flag log is damaged (${why}); restore it from a backup or remove the line`);
    this.name = 'CorruptFlagLogError';
  }
}

/**
 * JSON lines, one event per line, fsync'd on every append. A crash can leave a torn last line:
 * it was never acknowledged, so it is cut off and reported, never fatal. Damage anywhere else is.
 */
export class FileFlagStore implements FlagStore {
  private handle: FileHandle | undefined;
  private version = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async load(): Promise<{ events: FlagEvent[]; warnings: string[] }> {
    const text = await readFile(this.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const { events, goodLength, torn } = this.parse(text);
    const warnings: string[] = [];
    if (torn !== undefined) {
      await truncate(this.file, goodLength);
      warnings.push(`${this.file}: ignored a torn last line (${torn}); it was never acknowledged`);
    }
    this.version = events.length;
    return { events, warnings };
  }

  append(event: Omit<FlagEvent, 'seq'>, expectedVersion: number): Promise<FlagEvent> {
    const next = this.queue.then(() => this.appendNow(event, expectedVersion));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.handle?.close();
    this.handle = undefined;
  }

  private async appendNow(event: Omit<FlagEvent, 'seq'>, expectedVersion: number): Promise<FlagEvent> {
    if (expectedVersion !== this.version) throw new VersionConflictError(expectedVersion, this.version);
    const stored: FlagEvent = { seq: this.version + 1, ...event };
    const handle = await this.openForAppend();
    await handle.appendFile(JSON.stringify(stored) + '\n', 'utf8');
    await handle.sync();
    this.version = stored.seq;
    return stored;
  }

  private async openForAppend(): Promise<FileHandle> {
    if (!this.handle) {
      await mkdir(dirname(this.file), { recursive: true });
      this.handle = await open(this.file, 'a');
    }
    return this.handle;
  }

  private parse(text: string): { events: FlagEvent[]; goodLength: number; torn: string | undefined } {
    const events: FlagEvent[] = [];
    let offset = 0;
    let lineNumber = 0;
    while (offset < text.length) {
      lineNumber++;
      const end = text.indexOf('\n', offset);
      const isLast = end < 0 || text.slice(end + 1).trim() === '';
      const line = text.slice(offset, end < 0 ? text.length : end);
      const event = parseEvent(line, events.length + 1);
      if (typeof event === 'string') {
        if (isLast) return { events, goodLength: Buffer.byteLength(text.slice(0, offset)), torn: event };
        throw new CorruptFlagLogError(this.file, lineNumber, event);
      }
      if (end < 0) return { events, goodLength: Buffer.byteLength(text.slice(0, offset)), torn: 'no line end' };
      events.push(event);
      offset = end + 1;
    }
    return { events, goodLength: Buffer.byteLength(text), torn: undefined };
  }
}

/** The event, or why the line is not one. */
function parseEvent(line: string, expectedSeq: number): FlagEvent | string {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  const parsed = flagEventSchema.safeParse(data);
  if (!parsed.success) return `not a flag event: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
  if (parsed.data.seq !== expectedSeq) return `seq ${parsed.data.seq} where ${expectedSeq} was expected`;
  return parsed.data as FlagEvent;
}

/** For tests and for running without a file (`flagLog: memory`). */
export class MemoryFlagStore implements FlagStore {
  private readonly events: FlagEvent[] = [];

  async load(): Promise<{ events: FlagEvent[]; warnings: string[] }> {
    return { events: [...this.events], warnings: [] };
  }

  async append(event: Omit<FlagEvent, 'seq'>, expectedVersion: number): Promise<FlagEvent> {
    if (expectedVersion !== this.events.length) throw new VersionConflictError(expectedVersion, this.events.length);
    const stored: FlagEvent = { seq: this.events.length + 1, ...event };
    this.events.push(stored);
    return stored;
  }

  async close(): Promise<void> {}
}
