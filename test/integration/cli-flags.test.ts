import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyOverride } from '../../src/strangler/index.js';
import { demoAdminToken, demoOverrideSecret, startDemo, type RunningDemo } from '../support/demo.js';

/** `ficus flags ...` and `ficus override sign` against a running gateway, as an operator types them. */
const repo = resolve(import.meta.dirname, '../..');
const bin = join(repo, 'bin/ficus.js');

let demo: RunningDemo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => {
  await demo?.close();
});

/** Async, because the gateway under test runs in this process and must keep answering. */
function ficus(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: repo, env: { ...process.env, FICUS_ADMIN_URL: demo.gateway.adminUrl, FICUS_ADMIN_TOKEN: demoAdminToken, USER: 'ana', ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return fail(error);
        done({ status: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

describe('ficus flags', () => {
  it('sets, lists and shows the history of flags', async () => {
    const set = await ficus(['flags', 'set', 'customers.getCustomer', 'canary', '--percent', '12.5', '--reason', 'first customers']);
    expect(set.stderr).toBe('');
    expect(set.stdout).toMatch(/^recorded: #1 \S+ customers\.getCustomer: legacy -> canary 12\.5% by ana: first customers/);
    expect(set.status).toBe(0);

    const list = await ficus(['flags', 'list']);
    expect(list.stdout).toMatch(/customers\.getCustomer\s+canary 12\.5%/);
    expect(list.stdout).toMatch(/policies\.getPolicy\s+legacy/);
    expect(list.stdout).toMatch(/flag log version 1/);

    await ficus(['flags', 'set', 'customers.getCustomer', 'modern', '--reason', 'all in', '--if-version', '1']);
    const history = await ficus(['flags', 'history', 'customers.getCustomer']);
    expect(history.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^#1 .* legacy -> canary 12\.5% by ana: first customers$/),
      expect.stringMatching(/^#2 .* canary 12\.5% -> modern by ana: all in$/),
    ]);
  });

  it('explains refusals and what to do', async () => {
    const stale = await ficus(['flags', 'set', 'customers.getCustomer', 'legacy', '--reason', 'back', '--if-version', '0']);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/The resource has changed since you read it: the flag log is at version \d+, not 0/);
    const noToken = await ficus(['flags', 'set', 'customers.getCustomer', 'legacy', '--reason', 'back'], { FICUS_ADMIN_TOKEN: '' });
    expect(noToken.stderr).toMatch(/set FICUS_ADMIN_TOKEN/);
    const badStage = await ficus(['flags', 'set', 'customers.getCustomer', 'sideways', '--reason', 'x']);
    expect(badStage.stderr).toMatch(/unknown stage sideways; use one of legacy, shadow, canary, modern, modern-verify/);
    const noReason = await ficus(['flags', 'set', 'customers.getCustomer', 'legacy']);
    expect(noReason.stderr).toMatch(/required option '--reason <text>'/);
    const unreachable = await ficus(['flags', 'list', '--admin-url', 'http://127.0.0.1:9']);
    expect(unreachable.stderr).toMatch(/cannot reach the admin API at http:\/\/127\.0\.0\.1:9/);
  });
});

describe('ficus override', () => {
  it('signs a header the gateway accepts', async () => {
    const result = await ficus(['override', '--route', 'customers.getCustomer', '--target', 'modern', '--ttl', '60'], { FICUS_OVERRIDE_SECRET: demoOverrideSecret });
    expect(result.status).toBe(0);
    const header = result.stdout.trim().replace(/^Ficus-Override: /, '');
    expect(verifyOverride(header, demoOverrideSecret, 'customers.getCustomer')).toEqual({ ok: true, target: 'modern' });
  });
});
