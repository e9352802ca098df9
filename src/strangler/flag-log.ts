import { z } from 'zod';
import { flagSchema, type Flag } from './flag.js';

/**
 * The flag log: every change of a route's flag is an event, and the routing table is the fold of
 * the events. Nothing is ever updated in place, so routing can be audited and replayed as of any
 * past time.
 */
export interface FlagEvent {
  /** 1, 2, 3 ... without gaps; the last seq is the log's version. */
  readonly seq: number;
  /** ISO 8601 time of recording. */
  readonly at: string;
  readonly route: string;
  /** The flag before; null for a route's first event. */
  readonly from: Flag | null;
  readonly to: Flag;
  /** Who: the admin token's owner, `cli`, `guard` ... */
  readonly actor: string;
  readonly reason: string;
}

export const flagEventSchema = z
  .object({
    seq: z.number().int().positive(),
    at: z.iso.datetime({ offset: true }),
    route: z.string().min(1),
    from: flagSchema.nullable(),
    to: flagSchema,
    actor: z.string().min(1),
    reason: z.string(),
  })
  .strict();

/** The routing table after the given events. */
export function foldFlags(events: Iterable<FlagEvent>): Map<string, Flag> {
  const table = new Map<string, Flag>();
  for (const event of events) table.set(event.route, event.to);
  return table;
}

/** The log as it stood at a past time: its events up to the first one recorded after `at`. */
export function eventsUntil(events: readonly FlagEvent[], at: Date): readonly FlagEvent[] {
  const limit = at.getTime();
  const end = events.findIndex((event) => Date.parse(event.at) > limit);
  return end < 0 ? events : events.slice(0, end);
}

/** A log's version: the seq of its last event, 0 for an empty log. */
export function versionOf(events: readonly FlagEvent[]): number {
  return events.at(-1)?.seq ?? 0;
}
