import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptFlagLogError, FileFlagStore, FlagService, type FlagEvent } from '../../../src/strangler/index.js';

const routes = [
  { id: 'customers.getCustomer', hasModern: true },
  { id: 'policies.getPolicy', hasModern: false },
];

function tempLog(): string {
  return join(mkdtempSync(join(tmpdir(), 'ficus-flags-')), 'nested', 'flags.jsonl');
}

const event = (seq: number, to: FlagEvent['to'], at = '2026-01-01T00:00:00.000Z'): FlagEvent => ({
  seq,
  at,
  route: 'customers.getCustomer',
  from: null,
  to,
  actor: 'test',
  reason: 'because',
});

describe('the file flag store', () => {
  it('appends fsynced JSON lines and replays them after a restart', async () => {
    const file = tempLog();
    const first = await FlagService.open(new FileFlagStore(file), routes);
    await first.service.change({ route: 'customers.getCustomer', flag: { stage: 'shadow' }, actor: 'ana', reason: 'compare first' });
    await first.service.change({ route: 'customers.getCustomer', flag: { stage: 'canary', percent: 12.5 }, actor: 'ana', reason: 'start small' });
    await first.service.close();

    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as FlagEvent);
    expect(lines.map((line) => [line.seq, line.to, line.actor])).toEqual([
      [1, { stage: 'shadow' }, 'ana'],
      [2, { stage: 'canary', percent: 12.5 }, 'ana'],
    ]);
    expect(lines[1]!.from).toEqual({ stage: 'shadow' });

    const second = await FlagService.open(new FileFlagStore(file), routes);
    expect(second.warnings).toEqual([]);
    expect(second.service.flagOf('customers.getCustomer')).toEqual({ stage: 'canary', percent: 12.5 });
    expect(second.service.version).toBe(2);
    await second.service.close();
  });

  it('ignores and reports a torn last line, and appends cleanly after it', async () => {
    const file = tempLog();
    const store = new FileFlagStore(file);
    const { service } = await FlagService.open(store, routes);
    await service.change({ route: 'customers.getCustomer', flag: { stage: 'shadow' }, actor: 'a', reason: 'one' });
    await service.close();
    appendFileSync(file, '{"seq":2,"at":"2026-01-01T00:00:00Z","route":"customers.getC');

    const reopened = await FlagService.open(new FileFlagStore(file), routes);
    expect(reopened.warnings).toEqual([expect.stringMatching(/ignored a torn last line/)]);
    expect(reopened.service.version).toBe(1);
    await reopened.service.change({ route: 'customers.getCustomer', flag: { stage: 'modern' }, actor: 'a', reason: 'two' });
    await reopened.service.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as FlagEvent).seq)).toEqual([1, 2]);
  });

  it('refuses a log damaged before its last line', async () => {
    const file = tempLog();
    const store = new FileFlagStore(file);
    await store.load();
    await store.append({ ...event(1, { stage: 'shadow' }) }, 0);
    await store.close();
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, 'garbage\n' + good);
    await expect(new FileFlagStore(file).load()).rejects.toBeInstanceOf(CorruptFlagLogError);
  });

  it('refuses a gap in the sequence', async () => {
    const file = tempLog();
    const store = new FileFlagStore(file);
    await store.load();
    await store.append(event(1, { stage: 'shadow' }), 0);
    await store.close();
    appendFileSync(file, JSON.stringify(event(3, { stage: 'modern' })) + '\n' + JSON.stringify(event(4, { stage: 'legacy' })) + '\n');
    await expect(new FileFlagStore(file).load()).rejects.toThrow(/seq 3 where 2 was expected/);
  });
});

describe('the flag service', () => {
  it('folds the log as of any past time', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ficus-flags-')), 'flags.jsonl');
    writeFileSync(
      file,
      [event(1, { stage: 'shadow' }, '2026-01-01T00:00:00.000Z'), event(2, { stage: 'canary', percent: 5 }, '2026-02-01T00:00:00.000Z'), event(3, { stage: 'modern' }, '2026-03-01T00:00:00.000Z')]
        .map((line) => JSON.stringify(line))
        .join('\n') + '\n',
    );
    const { service } = await FlagService.open(new FileFlagStore(file), routes);
    expect(service.snapshot(new Date('2025-12-31T00:00:00Z')).flags['customers.getCustomer']).toEqual({ stage: 'legacy' });
    expect(service.snapshot(new Date('2026-02-15T00:00:00Z'))).toEqual({
      version: 2,
      flags: { 'customers.getCustomer': { stage: 'canary', percent: 5 }, 'policies.getPolicy': { stage: 'legacy' } },
    });
    expect(service.snapshot().flags['customers.getCustomer']).toEqual({ stage: 'modern' });
    await service.close();
  });

  it('refuses stale versions, unknown routes, modern stages without a modern target and no-op changes', async () => {
    const { service } = await FlagService.open(new FileFlagStore(tempLog()), routes);
    await service.change({ route: 'customers.getCustomer', flag: { stage: 'shadow' }, actor: 'a', reason: 'r' });
    await expect(service.change({ route: 'customers.getCustomer', flag: { stage: 'modern' }, actor: 'a', reason: 'r', ifVersion: 0 })).rejects.toMatchObject({ kind: 'stale-version' });
    await expect(service.change({ route: 'nope', flag: { stage: 'modern' }, actor: 'a', reason: 'r' })).rejects.toMatchObject({ kind: 'unknown-route' });
    await expect(service.change({ route: 'policies.getPolicy', flag: { stage: 'shadow' }, actor: 'a', reason: 'r' })).rejects.toMatchObject({ kind: 'no-modern-target' });
    await expect(service.change({ route: 'customers.getCustomer', flag: { stage: 'shadow' }, actor: 'a', reason: 'r' })).rejects.toMatchObject({ kind: 'no-change' });
    const dry = await service.change({ route: 'customers.getCustomer', flag: { stage: 'modern' }, actor: 'a', reason: 'r', dryRun: true, ifVersion: 1 });
    expect(dry).toMatchObject({ recorded: false, event: { seq: 2, to: { stage: 'modern' } } });
    expect(service.version).toBe(1);
    await service.close();
  });

  it('applies concurrent changes one after another without conflicts', async () => {
    const { service } = await FlagService.open(new FileFlagStore(tempLog()), routes);
    const percents = [1, 2, 3, 4, 5, 6, 7, 8];
    await Promise.all(percents.map((percent) => service.change({ route: 'customers.getCustomer', flag: { stage: 'canary', percent }, actor: 'a', reason: 'r' })));
    expect(service.history().map((recorded) => recorded.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await service.close();
  });
});
