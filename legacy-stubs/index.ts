/**
 * The demo's legacy SOAP systems of "Acme Mutual": real node-soap servers built from WSDLs, with
 * the quirks of the monoliths they stand in for. Each start serves a fresh copy of the demo data.
 *
 * - CRM `CustomerService` (SOAP 1.1, `urn:acme:crm:v1`): `startCustomerStub`, `customerWsdlPath`.
 * - `PolicyService` (SOAP 1.2, `urn:acme:policy:v2`): `startPolicyStub`, `policyWsdlPath`.
 *
 * @example
 * const crm = await startCustomerStub();             // http://127.0.0.1:<ephemeral>/crm
 * const policy = await startPolicyStub({ port: 8702 });
 * crm.setBusy(true);                                 // every CRM call now answers SYSTEM_BUSY
 * crm.faults.add({ kind: 'hang', operation: 'GetCustomerDetails' }); // or POST <origin>/__faults
 * await Promise.all([crm.close(), policy.close()]);
 */
export type { RunningStub, StubOptions } from './soap-server.js';
export {
  createFaultInjector,
  faultKinds,
  faultSpecSchema,
  FAULTS_PATH,
  type CannedReply,
  type FaultCounters,
  type FaultInjector,
  type FaultInjectorOptions,
  type FaultKind,
  type FaultReplies,
  type FaultSpec,
} from './faults.js';
export { startCustomerStub, customerWsdlPath } from './crm/customer-stub.js';
export { startPolicyStub, policyWsdlPath } from './policy/policy-stub.js';
export { startSecureCustomerStub, type RunningSecureStub, type SecureStubOptions } from './secure-crm/secure-customer-stub.js';
export { UsernameTokenVerifier, type UsernameTokenPolicy, type Verdict, type WsseFaultCode } from './secure-crm/username-token.js';
export { createModernCustomerApp, startModernCustomerService, type RunningModernService } from './modern/customer-service.js';

export { DEFAULT_STUB_PORTS } from './ports.js';

