import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as soap from 'soap';
import { afterEach, describe, expect, it } from 'vitest';
import { customerWsdlPath } from '../../legacy-stubs/index.js';
import { writeConfigFixture } from '../support/config-fixture.js';
import { freePort } from '../support/free-port.js';

/** The `ficus` command as users run it: the built bin/ficus.js (`npm test` builds first). */
const repo = resolve(import.meta.dirname, '../..');
const bin = join(repo, 'bin/ficus.js');

function ficus(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: repo, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}


const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function waitFor(child: ChildProcess, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((done) => child.once('exit', (code) => done(code)));
}

describe('ficus validate', () => {
  it('accepts the demo configuration', () => {
    const result = ficus(['validate']);
    expect(result.stdout).toMatch(/^ok: 5 routes in 2 mapping file\(s\), 3 upstream\(s\) \(2 SOAP\)/);
    expect(result.status).toBe(0);
  });

  it('prints every problem as file:path: message and exits 1', () => {
    const config = writeConfigFixture();
    const mapping = join(config, '../mappings/customers.yaml');
    writeFileSync(
      mapping,
      readFileSync(mapping, 'utf8').replace('operation: SearchCustomers', 'operation: FindCustomers').replace('date: yyyyMMdd', 'date: yyyyMMdd, colour: red'),
    );
    const result = ficus(['validate', '--config', config]);
    expect(result.status).toBe(1);
    const lines = result.stderr.split('\n').filter((line) => line.includes('.yaml:'));
    expect(lines).toEqual([
      expect.stringMatching(/mappings\/customers\.yaml:objects\.Customer\.birthDate\.colour: unknown transform 'colour'/),
      expect.stringMatching(/mappings\/customers\.yaml:routes\.searchCustomers\.legacy\.operation: .* has no operation FindCustomers/),
    ]);
    expect(result.stderr).toMatch(/2 problem\(s\)\. Fix them and run `ficus validate` again\./);
  });

  it('reports a missing config file and a missing environment variable clearly', () => {
    const missing = ficus(['validate', '--config', '/nonexistent/gateway.yaml']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/\/nonexistent\/gateway\.yaml:: cannot read: ENOENT/);
    const dir = mkdtempSync(join(tmpdir(), 'ficus-env-'));
    writeFileSync(join(dir, 'gateway.yaml'), 'upstreams:\n  crm:\n    wsdl: x.wsdl\n    endpoints: ["${CRM_ENDPOINT}"]\n');
    const unset = ficus(['validate', '--config', join(dir, 'gateway.yaml')], { CRM_ENDPOINT: '' });
    expect(unset.status).toBe(1);
    expect(unset.stderr).toMatch(/gateway\.yaml:upstreams\.crm\.endpoints\.0: environment variable CRM_ENDPOINT is not set/);
  });
});

describe('ficus test', () => {
  it("runs the demo mappings' examples offline", () => {
    const result = ficus(['test'], { CRM_PORT: '9', POLICY_PORT: '9' });
    expect(result.stdout).toMatch(/ok {3}customers\.getCustomer: a customer with several addresses/);
    expect(result.stdout).toMatch(/(\d+) of \1 examples passed/);
    expect(result.status).toBe(0);
  });

  it('reports a failing example with its location and exits 1', () => {
    const config = writeConfigFixture();
    const mapping = join(config, '../mappings/policies.yaml');
    writeFileSync(mapping, readFileSync(mapping, 'utf8').replace('premium: { amount: "123.45", currency: EUR }', 'premium: { amount: "1.23", currency: EUR }'));
    const result = ficus(['test', '--config', config]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/FAIL policies\.getPolicy: a home policy/);
    expect(result.stdout).toMatch(/policies\.yaml:routes\.getPolicy\.examples\.0: answer premium\.amount: expected "1\.23", got "123\.45"/);
  });
});

describe('ficus stubs and ficus serve', () => {
  it('`ficus stubs` serves the WSDLs and stops on SIGTERM', async () => {
    const [crmPort, policyPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [bin, 'stubs', '--crm-port', String(crmPort), '--policy-port', String(policyPort)], { cwd: repo });
    running.push(child);
    await waitFor(child, /legacy stub policy: /);
    const wsdl = await fetch(`http://127.0.0.1:${crmPort}/crm?wsdl`);
    expect(await wsdl.text()).toContain('urn:acme:crm:v1');
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });

  it('`ficus stubs` runs the CRM behind WS-Security when SECURE_CRM_PASSWORD is set', async () => {
    const ports = { CRM_PORT: await freePort(), POLICY_PORT: await freePort(), MODERN_PORT: await freePort(), SECURE_CRM_PORT: await freePort() };
    const env = { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([name, value]) => [name, String(value)])), SECURE_CRM_PASSWORD: 'cli s3cret' };
    const child = spawn(process.execPath, [bin, 'stubs'], { cwd: repo, env });
    running.push(child);
    const [, url] = await waitFor(child, /legacy stub secure-crm: (http:\/\/\S+) \(WSDL/);
    expect(url).toBe(`http://127.0.0.1:${ports.SECURE_CRM_PORT}/crm`);

    // A third-party WS-Security client: node-soap's UsernameToken with a password digest.
    const client = await soap.createClientAsync(customerWsdlPath, {}, url);
    client.setSecurity(new soap.WSSecurity('ficus-gw', 'cli s3cret', { passwordType: 'PasswordDigest' }));
    const [found] = (await client['GetCustomerDetailsAsync']({ CustNo: '00000001' })) as [{ Customer: { CustNo: string } }];
    expect(found.Customer.CustNo).toBe('00000001');

    client.setSecurity(new soap.WSSecurity('ficus-gw', 'wrong', { passwordType: 'PasswordDigest' }));
    const refused = (await client['GetCustomerDetailsAsync']({ CustNo: '00000001' }).catch((error: unknown) => error)) as {
      root?: { Envelope?: { Body?: { Fault?: { faultcode?: string } } } };
    };
    expect(refused.root?.Envelope?.Body?.Fault?.faultcode).toMatch(/:FailedAuthentication$/);

    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });

  it('`ficus stubs --secure-crm-port` without SECURE_CRM_PASSWORD says what to set', () => {
    const result = ficus(['stubs', '--secure-crm-port', '0'], { SECURE_CRM_PASSWORD: '' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/needs a password for the stub to check: set SECURE_CRM_PASSWORD/);
  });

  it('`ficus serve --with-stubs` answers the demo and stops the whole tree on Ctrl-C', async () => {
    const env = {
      ...process.env,
      PORT: String(await freePort()),
      ADMIN_PORT: String(await freePort()),
      CRM_PORT: String(await freePort()),
      POLICY_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    };
    const child = spawn(process.execPath, [bin, 'serve', '--with-stubs'], { cwd: repo, env });
    running.push(child);
    const [, domainUrl] = await waitFor(child, /domain API (http:\/\/\S+),/);
    const customer = await fetch(`${domainUrl}/customers/1`);
    expect(customer.status).toBe(200);
    expect(((await customer.json()) as Record<string, unknown>)['name']).toBe('Margarethe Vogelsang');
    expect((await fetch(`http://127.0.0.1:${env.ADMIN_PORT}/livez`)).status).toBe(200);
    child.kill('SIGINT');
    expect(await exitOf(child)).toBe(0);
    // The stubs' child process is gone too: its port is free again.
    await expect.poll(async () => fetch(`http://127.0.0.1:${env.CRM_PORT}/crm?wsdl`).then(() => 'open', () => 'closed'), { timeout: 5_000 }).toBe('closed');
  });

  it('refuses an invalid PORT with a message that says what to do', () => {
    const result = ficus(['serve'], { PORT: 'eighty' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/PORT=eighty is not a port; set it to a number from 0 to 65535/);
  });
});
