import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Throw-away certificates made with Debian's `openssl` (CI installs it): a CA, a server certificate
 * for 127.0.0.1/localhost, a client certificate, a signing certificate, and an encrypted key.
 * Everything lives in a fresh temp folder; paths and PEM text are returned.
 */
export interface TestCertificates {
  readonly dir: string;
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** The client key encrypted with `encryptedKeyPassphrase`. */
  readonly clientKeyEncrypted: string;
  /** A CA nobody trusts, and a client certificate it signed. */
  readonly otherCaCert: string;
  readonly otherClientCert: string;
  readonly otherClientKey: string;
  /** A self-signed signing certificate and its key, plain and encrypted with `encryptedKeyPassphrase`. */
  readonly signerCert: string;
  readonly signerKey: string;
  readonly signerKeyEncrypted: string;
  readonly encryptedKeyPassphrase: string;
  pem(path: string): string;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** TLS keys are EC P-256: quick to make. The signing key is RSA, as XML-DSig rsa-sha256 needs. */
const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];

function makeCa(dir: string, name: string): void {
  openssl(dir, 'req', '-x509', ...ecKey, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`);
}

function makeLeaf(dir: string, name: string, ca: string, extensions: string): void {
  openssl(dir, 'req', ...ecKey, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
}

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'ficus-certs-'));
  makeCa(dir, 'test-ca');
  makeCa(dir, 'other-ca');
  makeLeaf(dir, 'server', 'test-ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:crm.test\nextendedKeyUsage=serverAuth\n');
  makeLeaf(dir, 'client', 'test-ca', 'extendedKeyUsage=clientAuth\n');
  makeLeaf(dir, 'other-client', 'other-ca', 'extendedKeyUsage=clientAuth\n');
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'signer.key', '-out', 'signer.crt', '-days', '2', '-subj', '/CN=ficus-signer');
  const passphrase = 'key passphrase & more';
  openssl(dir, 'pkcs8', '-topk8', '-in', 'signer.key', '-out', 'signer-encrypted.key', '-v2', 'aes-256-cbc', '-passout', `pass:${passphrase}`);
  openssl(dir, 'pkcs8', '-topk8', '-in', 'client.key', '-out', 'client-encrypted.key', '-v2', 'aes-256-cbc', '-passout', `pass:${passphrase}`);
  const at = (name: string) => join(dir, name);
  return {
    dir,
    caCert: at('test-ca.crt'),
    serverCert: at('server.crt'),
    serverKey: at('server.key'),
    clientCert: at('client.crt'),
    clientKey: at('client.key'),
    clientKeyEncrypted: at('client-encrypted.key'),
    otherCaCert: at('other-ca.crt'),
    otherClientCert: at('other-client.crt'),
    otherClientKey: at('other-client.key'),
    signerCert: at('signer.crt'),
    signerKey: at('signer.key'),
    signerKeyEncrypted: at('signer-encrypted.key'),
    encryptedKeyPassphrase: passphrase,
    pem: (path) => readFileSync(path, 'utf8'),
  };
}

/** True when Debian's xmlsec1 is installed (CI installs it), for an independent signature check. */
export function hasXmlsec1(): boolean {
  try {
    execFileSync('xmlsec1', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Verifies a WS-Security signed envelope with xmlsec1 against `certFile`, registering wsu:Id on
 * Body and Timestamp as ID attributes. Returns true when xmlsec1 says OK.
 */
export function xmlsec1Verifies(xml: string, certFile: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'ficus-xmlsec-'));
  const file = join(dir, 'signed.xml');
  writeFileSync(file, xml);
  const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
  try {
    execFileSync(
      'xmlsec1',
      [
        '--verify', '--pubkey-cert-pem', certFile,
        '--id-attr:Id', 'http://schemas.xmlsoap.org/soap/envelope/:Body',
        '--id-attr:Id', 'http://www.w3.org/2003/05/soap-envelope:Body',
        '--id-attr:Id', `${WSU}:Timestamp`,
        file,
      ],
      { stdio: 'ignore' },
    );
    return true;
  } catch {
    return false;
  }
}
