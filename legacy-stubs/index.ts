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
 * await Promise.all([crm.close(), policy.close()]);
 */
export type { RunningStub, StubOptions } from './soap-server.js';
export { startCustomerStub, customerWsdlPath } from './crm/customer-stub.js';
export { startPolicyStub, policyWsdlPath } from './policy/policy-stub.js';

/** The ports the WSDLs' `soap:address` name, which the demo uses by default. */
export const DEFAULT_STUB_PORTS = { crm: 8701, policy: 8702 } as const;
