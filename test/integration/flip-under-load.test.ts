import { describe, expect, it } from 'vitest';
import { flip, useDemo } from '../support/demo.js';

/**
 * Flipping a flag under load loses no request: bounded concurrent load on loopback while the
 * flag goes through every stage several times; every answer must be right for whoever gave it.
 */
const route = 'customers.getCustomer';
const ids = ['1', '2', '3', '7', '15', '23', '42'];
const workers = 8;
const requestsPerWorker = 120;

const demo = useDemo();

async function answersOf(stage: 'legacy' | 'modern'): Promise<Map<string, unknown>> {
  await flip(demo, route, { stage }, `reference answers from ${stage}`);
  const answers = new Map<string, unknown>();
  for (const id of ids) {
    const { status, headers, body } = await demo.call(`/customers/${id}`);
    expect(status).toBe(200);
    expect(headers.get('ficus-target')).toBe(stage);
    answers.set(id, body);
  }
  return answers;
}

describe('flipping flags under load', () => {
  it('answers every request correctly while the flag changes', async () => {
    const expected = { modern: await answersOf('modern'), legacy: await answersOf('legacy') };
    const stages = [
      { stage: 'shadow' },
      { stage: 'canary', percent: 25 },
      { stage: 'canary', percent: 75.5 },
      { stage: 'modern' },
      { stage: 'modern-verify' },
      { stage: 'legacy' },
    ];
    let loadDone = false;
    let flips = 0;
    const flipper = (async () => {
      while (!loadDone) {
        const next = stages[flips % stages.length]!;
        const answer = await flip(demo, route, next, `flip ${flips} under load`);
        expect(answer.status).toBe(200);
        flips++;
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();

    const failures: string[] = [];
    const seen = { legacy: 0, modern: 0 };
    const load = Array.from({ length: workers }, async (_, worker) => {
      for (let index = 0; index < requestsPerWorker; index++) {
        const id = ids[(worker + index) % ids.length]!;
        const { status, headers, body } = await demo.call(`/customers/${id}`);
        const target = headers.get('ficus-target');
        if (status !== 200 || (target !== 'legacy' && target !== 'modern')) {
          failures.push(`${id}: ${status} ${target} ${JSON.stringify(body)}`);
          continue;
        }
        seen[target]++;
        try {
          expect(body).toEqual(expected[target].get(id));
        } catch {
          failures.push(`${id} from ${target}: ${JSON.stringify(body)}`);
        }
      }
    });
    await Promise.all(load);
    loadDone = true;
    await flipper;

    expect(failures).toEqual([]);
    expect(seen.legacy + seen.modern).toBe(workers * requestsPerWorker);
    expect(flips).toBeGreaterThanOrEqual(5);
    expect(seen.legacy).toBeGreaterThan(0);
    expect(seen.modern).toBeGreaterThan(0);
    const history = (await demo.admin(`/admin/flags/history?route=${route}`)).body['events'] as unknown[];
    expect(history.length).toBe(2 + flips);
  }, 60_000);
});
