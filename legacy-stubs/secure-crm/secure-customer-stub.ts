import type { IServices } from 'soap';
import { customerStub } from '../crm/customer-stub.js';
import { SoapFault } from '../soap-faults.js';
import { startSoapStub, type RunningStub, type StubOptions } from '../soap-server.js';
import { UsernameTokenVerifier, type UsernameTokenPolicy, type WsseFaultCode } from './username-token.js';

/**
 * The Acme CRM behind WS-Security, as the real one sits behind its WS-Security gateway: the same
 * SOAP 1.1 service, but every call must carry a valid UsernameToken (PasswordDigest or
 * PasswordText, fresh Created, unused nonce, unexpired Timestamp). A refused call gets the fault a
 * WS-Security stack sends: `wsse:FailedAuthentication`, `wsse:InvalidSecurity` or
 * `wsse:MessageExpired`, HTTP 500, and the operation never runs.
 *
 * @example
 * const crm = await startSecureCustomerStub({ users: { 'ficus-gw': 's3cret' } });
 * // gateway.yaml: upstreams.crm.security.usernameToken: { username: ficus-gw, password: ${CRM_PASSWORD} }
 */

const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

export interface SecureStubOptions extends StubOptions, UsernameTokenPolicy {}

/** A running secure CRM, with the calls it accepted and refused. */
export interface RunningSecureStub extends RunningStub {
  readonly accepted: number;
  readonly refused: Readonly<Record<WsseFaultCode, number>>;
}

export async function startSecureCustomerStub(options: SecureStubOptions): Promise<RunningSecureStub> {
  const verifier = new UsernameTokenVerifier(options);
  const counts = { accepted: 0, refused: { InvalidSecurity: 0, FailedAuthentication: 0, MessageExpired: 0 } };
  const stub = await startSoapStub(
    {
      ...customerStub,
      createServices: (context) => requireUsernameToken(customerStub.createServices(context), verifier, counts),
    },
    { host: options.host, port: options.port },
  );
  return {
    ...stub,
    get accepted() {
      return counts.accepted;
    },
    get refused() {
      return { ...counts.refused };
    },
  };
}

type Handler = (args: unknown, callback: unknown, headers: unknown, ...rest: unknown[]) => unknown;

/** Every operation of every port checks the Security header first (node-soap passes the parsed SOAP headers third). */
function requireUsernameToken(
  services: IServices,
  verifier: UsernameTokenVerifier,
  counts: { accepted: number; refused: Record<WsseFaultCode, number> },
): IServices {
  const secured: IServices = {};
  for (const [serviceName, ports] of Object.entries(services)) {
    const securedPorts: Record<string, Record<string, Handler>> = {};
    for (const [portName, operations] of Object.entries(ports as Record<string, Record<string, Handler>>)) {
      securedPorts[portName] = Object.fromEntries(
        Object.entries(operations).map(([name, handler]) => [
          name,
          function checked(this: unknown, args: unknown, callback: unknown, headers: unknown, ...rest: unknown[]) {
            const verdict = verifier.verify(headers !== null && typeof headers === 'object' ? (headers as Record<string, unknown>)['Security'] : undefined);
            if (!verdict.ok) {
              counts.refused[verdict.code]++;
              throw wsseFault(verdict.code);
            }
            counts.accepted++;
            return handler.call(this, args, callback, headers, ...rest);
          },
        ]),
      );
    }
    secured[serviceName] = securedPorts as IServices[string];
  }
  return secured;
}

const faultStrings: Readonly<Record<WsseFaultCode, string>> = {
  InvalidSecurity: 'An error was discovered processing the <wsse:Security> header',
  FailedAuthentication: 'The security token could not be authenticated or authorized',
  MessageExpired: 'The message has expired',
};

/** A SOAP 1.1 fault whose code is a QName in the wsse namespace, declared on the faultcode element. */
function wsseFault(code: WsseFaultCode): SoapFault {
  return new SoapFault(faultStrings[code], {
    faultcode: { attributes: { 'xmlns:wsse': WSSE_NS }, $value: `wsse:${code}` },
    faultstring: faultStrings[code],
    statusCode: 500,
  });
}
