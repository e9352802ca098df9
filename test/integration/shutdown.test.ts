import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCustomerStub, startModernCustomerService, startPolicyStub, type RunningModernService, type RunningStub } from '../../legacy-stubs/index.js';
import { containerNodeFlags } from '../../bench/lib/container-flags.js';
import { freePort } from '../support/free-port.js';

/**
 * Graceful shutdown of `ficus serve`, the command the Dockerfile runs: on SIGTERM readiness fails,
 * new connections are refused, requests in flight complete, the flag log is flushed, exit 0.
 */
const repo = resolve(import.meta.dirname, '../..');
const token = 'shutdown-token';
let crm: RunningStub;
let policy: RunningStub;
let modern: RunningModernService;

beforeAll(async () => {
  [crm, policy, modern] = await Promise.all([startCustomerStub(), startPolicyStub(), startModernCustomerService()]);
});
afterAll(async () => {
  await Promise.all([crm?.close(), policy?.close(), modern?.close()]);
});


function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((done, fail) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`no ${pattern} in:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

describe('the start command', () => {
  it('is the same in the Dockerfile and npm start, Node flags included', () => {
    const flags = containerNodeFlags(repo);
    expect(flags).toContain('--max-semi-space-size=16');
    const start = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start'];
    expect(start).toContain(['node', ...flags, 'bin/ficus.js', 'serve', '--with-stubs'].join(' '));
  });
});

async function serve(): Promise<{ child: ChildProcess; domain: string; admin: string; flagLog: string; exited: Promise<number | null> }> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const flagLog = join(mkdtempSync(join(tmpdir(), 'ficus-shutdown-')), 'flags.jsonl');
  const child = spawn(process.execPath, [...containerNodeFlags(repo), join(repo, 'bin/ficus.js'), 'serve'], {
    cwd: repo,
    env: {
      ...process.env,
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      HOST: '127.0.0.1',
      CRM_PORT: new URL(crm.url).port,
      POLICY_PORT: new URL(policy.url).port,
      MODERN_PORT: new URL(modern.url).port,
      FICUS_FLAG_LOG: flagLog,
      FICUS_ADMIN_TOKEN: token,
      LOG_LEVEL: 'info',
    },
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  await waitForOutput(child, /ficus is ready/);
  return { child, domain: `http://127.0.0.1:${port}`, admin: `http://127.0.0.1:${adminPort}`, flagLog, exited };
}

const crmFaults = () => `${new URL(crm.url).origin}/__faults`;

describe('graceful shutdown', () => {
  it('finishes every request in flight at SIGTERM, refuses new ones, flushes the flag log and exits 0', async () => {
    const gateway = await serve();
    try {
      const flip = await fetch(`${gateway.admin}/admin/flags/customers.getCustomer`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ stage: 'shadow', reason: 'just before the shutdown' }),
      });
      expect(flip.status).toBe(200);
      expect((await fetch(`${gateway.admin}/readyz`)).status).toBe(200);
      await fetch(crmFaults(), { method: 'POST', body: JSON.stringify({ kind: 'server-fault', errorRate: 0, latencyMs: 1_500 }) });

      const inFlight = ['1', '2', '3', '42', '7'].map((id) => fetch(`${gateway.domain}/customers/${id}`).then((response) => response.status));
      await new Promise((done) => setTimeout(done, 400));
      gateway.child.kill('SIGTERM');
      await new Promise((done) => setTimeout(done, 200));

      const readiness = await fetch(`${gateway.admin}/readyz`).then((response) => response.status, () => 'refused');
      expect([503, 'refused']).toContain(readiness);
      const late = await fetch(`${gateway.domain}/customers/1`).then((response) => response.status, () => 'refused');
      expect(late).toBe('refused');

      expect(await Promise.all(inFlight)).toEqual([200, 200, 200, 200, 200]);
      expect(await gateway.exited).toBe(0);
      const events = readFileSync(gateway.flagLog, 'utf8').trim().split('\n');
      expect(JSON.parse(events.at(-1)!)).toMatchObject({ route: 'customers.getCustomer', to: { stage: 'shadow' } });
    } finally {
      await fetch(crmFaults(), { method: 'DELETE' });
      if (gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    }
  });

  it('reloads on SIGHUP', async () => {
    const gateway = await serve();
    try {
      const configVersion = async (): Promise<number> =>
        ((await (await fetch(`${gateway.admin}/admin/config`, { headers: { authorization: `Bearer ${token}` } })).json()) as { version: number }).version;
      const before = await configVersion();
      gateway.child.kill('SIGHUP');
      await expect.poll(configVersion, { timeout: 10_000 }).toBe(before + 1);
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    } finally {
      if (gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    }
  });
});
