import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isConfigError, loadConfig, type ConfigIssue } from '../../../src/config/index.js';
import { Secret } from '../../../src/config/secret.js';
import { upstreamConfigSchema } from '../../../src/config/gateway-config.js';
import { credentialStamp, Upstream } from '../../../src/upstream/index.js';
import { limitsSchema } from '../../../src/config/gateway-config.js';

/** A gateway.yaml with one upstream `crm` whose extra lines are given; returns its path. */
function configWith(crmLines: readonly string[], files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ficus-security-config-'));
  mkdirSync(join(dir, 'mappings'));
  writeFileSync(join(dir, 'mappings', 'empty.yaml'), 'feature: empty\nroutes: {}\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'gateway.yaml'), ['upstreams:', '  crm:', '    endpoints: ["https://127.0.0.1:9/crm"]', ...crmLines.map((line) => `    ${line}`)].join('\n'));
  return join(dir, 'gateway.yaml');
}

async function issuesOf(path: string, env: NodeJS.ProcessEnv = {}): Promise<ConfigIssue[]> {
  try {
    await loadConfig(path, { env });
    return [];
  } catch (error) {
    if (isConfigError(error)) return [...error.issues];
    throw error;
  }
}

describe('credentials in gateway.yaml', () => {
  it('refuses a password written in plain text, without quoting it', async () => {
    const issues = await issuesOf(configWith(['security: { usernameToken: { username: gw, password: "hunter2" } }']));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'upstreams.crm.security.usernameToken.password', message: expect.stringMatching(/\$\{SOME_VARIABLE\}.*passwordFile/) });
    expect(JSON.stringify(issues)).not.toContain('hunter2');
  });

  it('refuses a ${VAR:-default} (a default is plain text too) and text around a reference', async () => {
    for (const value of ['"${CRM_PASSWORD:-hunter2}"', '"pre-${CRM_PASSWORD}"']) {
      const issues = await issuesOf(configWith([`security: { usernameToken: { username: gw, password: ${value} } }`]), { CRM_PASSWORD: 'x' });
      expect(issues.map((issue) => issue.path)).toEqual(['upstreams.crm.security.usernameToken.password']);
    }
  });

  it('refuses plain-text key passphrases of TLS and X.509 too', async () => {
    const issues = await issuesOf(
      configWith(['security: { x509: { key: k.pem, cert: c.pem, passphrase: open } }', 'tls: { cert: c.pem, key: k.pem, passphrase: sesame }'], { 'k.pem': '', 'c.pem': '' }),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual(['upstreams.crm.security.x509.passphrase', 'upstreams.crm.tls.passphrase']);
  });

  it('takes ${VAR} from the environment as a Secret that prints as [redacted]', async () => {
    const loaded = await loadConfig(configWith(['security: { usernameToken: { username: gw, password: "${CRM_PASSWORD}" } }']), { env: { CRM_PASSWORD: 'hunter2' } });
    const token = loaded.gateway.upstreams['crm']?.security?.usernameToken;
    expect(token?.password).toBeInstanceOf(Secret);
    expect(token?.password?.reveal()).toBe('hunter2');
    expect(token?.type).toBe('digest');
    for (const shown of [JSON.stringify(loaded.gateway), inspect(loaded.gateway, { depth: 10 }), `${token?.password}`]) expect(shown).not.toContain('hunter2');
  });

  it('names a missing variable, and needs exactly one of password and passwordFile', async () => {
    expect((await issuesOf(configWith(['security: { usernameToken: { username: gw, password: "${NOT_SET_ANYWHERE}" } }'])))[0]?.message).toMatch(/NOT_SET_ANYWHERE is not set/);
    expect((await issuesOf(configWith(['security: { usernameToken: { username: gw } }'])))[0]?.message).toMatch(/exactly one of password/);
  });

  it('refuses a PasswordText that would cross the network over plain http (loopback is fine)', async () => {
    const over = (endpoint: string) => {
      const path = configWith(['security: { usernameToken: { username: gw, password: "${CRM_PASSWORD}", type: text } }']);
      writeFileSync(path, readFileSync(path, 'utf8').replace('https://127.0.0.1:9/crm', endpoint));
      return issuesOf(path, { CRM_PASSWORD: 'pw' });
    };
    expect(await over('http://crm.internal:8080/crm')).toEqual([expect.objectContaining({ path: 'upstreams.crm.security.usernameToken.type', message: expect.stringMatching(/https endpoints, or type: digest/) })]);
    expect(await over('http://127.0.0.1:8701/crm')).toEqual([]);
    expect(await over('https://crm.internal/crm')).toEqual([]);
  });

  it('resolves secret, key and certificate files relative to gateway.yaml and reports unreadable ones', async () => {
    const path = configWith(['security: { usernameToken: { username: gw, passwordFile: secret.txt } }', 'tls: { ca: [ca.pem, missing-ca.pem] }'], { 'secret.txt': 'pw\n', 'ca.pem': '' });
    const issues = await issuesOf(path);
    expect(issues).toEqual([expect.objectContaining({ path: 'upstreams.crm.tls.ca.1', message: expect.stringMatching(/cannot read missing-ca.pem: ENOENT/) })]);
  });
});

describe('credential files at start', () => {
  const limits = limitsSchema.parse({});
  it('an empty secret file or a non-PEM certificate stops the upstream with the field named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ficus-creds-'));
    writeFileSync(join(dir, 'empty'), '\n');
    writeFileSync(join(dir, 'junk.pem'), 'not a certificate');
    const start = (extra: Record<string, unknown>) => () => new Upstream('crm', upstreamConfigSchema.parse({ endpoints: ['https://127.0.0.1:9/crm'], ...extra }), limits);
    expect(start({ security: { usernameToken: { username: 'gw', passwordFile: join(dir, 'empty') } } })).toThrow(/upstreams.crm.security.usernameToken.passwordFile: .* is empty/);
    expect(start({ tls: { ca: join(dir, 'junk.pem') } })).toThrow(/upstreams.crm.tls.ca: .* is not a PEM certificate/);
    expect(start({ security: { x509: { key: join(dir, 'junk.pem'), cert: join(dir, 'junk.pem') } } })).toThrow(/security.x509.key: .* not a PEM private key/);
  });

  it('a client certificate needs its key, and WS-Security needs something to do', () => {
    expect(upstreamConfigSchema.safeParse({ endpoints: ['https://a/crm'], tls: { cert: 'c.pem' } }).success).toBe(false);
    expect(upstreamConfigSchema.safeParse({ endpoints: ['https://a/crm'], security: {} }).success).toBe(false);
    expect(upstreamConfigSchema.parse({ endpoints: ['https://a/crm'], tls: {} }).tls).toMatchObject({ rejectUnauthorized: true, minVersion: 'TLSv1.2' });
  });
});

describe('credential stamps (a reload rebuilds an upstream whose credentials changed)', () => {
  it('change when a secret file is rewritten in place or a secret changes, and tell nothing about the secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ficus-stamp-'));
    const file = join(dir, 'password');
    writeFileSync(file, 'first');
    const config = (password?: string) =>
      upstreamConfigSchema.parse({ endpoints: ['https://a/crm'], security: { usernameToken: password ? { username: 'gw', password } : { username: 'gw', passwordFile: file } } });
    const before = credentialStamp(config());
    expect(credentialStamp(config())).toBe(before);
    writeFileSync(file, 'rotated');
    expect(credentialStamp(config())).not.toBe(before);
    expect(credentialStamp(config('a'))).not.toBe(credentialStamp(config('b')));
    expect(credentialStamp(config('hunter2'))).not.toContain('hunter2');
  });
});
