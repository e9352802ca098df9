import type { IServices } from 'soap';
import { textField } from '../soap-args.js';
import { soap12Fault, type FaultDetail, type SoapFault } from '../soap-faults.js';
import { startSoapStub, type RunningStub, type SoapStubDefinition, type StubContext, type StubOptions } from '../soap-server.js';
import { locateStubFile } from '../stub-files.js';
import { seedPolicies, type PolicyRow } from './data.js';

/**
 * The Acme Mutual "PolicyService": SOAP 1.2, document/literal wrapped, at `/policy`.
 *
 * Its wire quirks: `StartDt` is `ddMMyyyy`, the premium is an integer `AmountCents` (xs:long)
 * with a `CurrencyCd`, `HolderNo` is the 8-digit CRM number, an unknown holder has an empty list.
 * Faults are SOAP 1.2 with a `pol:` subcode and
 * `<PolicyError xmlns="urn:acme:policy:v2"><Code/><Message/></PolicyError>` in their detail.
 */

export const POLICY_NAMESPACE = 'urn:acme:policy:v2';
export const policyWsdlPath = locateStubFile('policy/PolicyService.wsdl');

const OPERATIONS = ['GetPolicy', 'ListPoliciesForCustomer'] as const;
/** A policy number and a holder number that always answer E503, to provoke a server fault on demand. */
const BUSY_POLICY_NO = 'P-999999';
const BUSY_HOLDER_NO = '99999999';

const policyStub: SoapStubDefinition = {
  name: 'policy',
  soapVersion: '1.2',
  wsdlPath: policyWsdlPath,
  path: '/policy',
  soapActions: OPERATIONS.map((operation) => `${POLICY_NAMESPACE}#${operation}`),
  createServices: createPolicyServices,
};

/**
 * Starts the policy stub over a fresh copy of the demo policies.
 *
 * @example
 * const policy = await startPolicyStub();
 * const client = await soap.createClientAsync(policy.wsdlPath, { forceSoap12Headers: true }, policy.url);
 */
export function startPolicyStub(options?: StubOptions): Promise<RunningStub> {
  return startSoapStub(policyStub, options);
}

function createPolicyServices(context: StubContext): IServices {
  const policies = seedPolicies();

  return {
    PolicyService: {
      PolicyServicePort: {
        GetPolicy(args: unknown) {
          const policyNo = textField(args, 'PolicyNo');
          if (context.busy || policyNo === BUSY_POLICY_NO) throw busyFault();
          const policy = policyNo === undefined ? undefined : policies.get(policyNo);
          if (policy === undefined) {
            const label = policyNo === undefined || policyNo === '' ? '(none)' : policyNo;
            throw soap12Fault({
              code: 'Sender',
              subcode: { prefix: 'pol', namespace: POLICY_NAMESPACE, local: 'PolicyNotFound' },
              reason: `Policy ${label} not found`,
              detail: policyError('E404', `POLICY ${label} DOES NOT EXIST`),
            });
          }
          return { Policy: policyRec(policy) };
        },

        ListPoliciesForCustomer(args: unknown) {
          const holderNo = textField(args, 'HolderNo');
          if (context.busy || holderNo === BUSY_HOLDER_NO) throw busyFault();
          const rows = [...policies.values()]
            .filter((policy) => policy.holderNo === holderNo)
            .sort((a, b) => a.policyNo.localeCompare(b.policyNo));
          return { Policy: rows.map(policyRec) };
        },
      },
    },
  };
}

/** A policy as the policy system writes it: every value a string, so node-soap writes it verbatim. */
function policyRec(row: PolicyRow): Record<string, unknown> {
  return {
    PolicyNo: row.policyNo,
    HolderNo: row.holderNo,
    ProductCd: row.product,
    StatusCd: row.status,
    StartDt: row.startDate,
    Premium: { AmountCents: String(row.premiumCents), CurrencyCd: row.currency },
  };
}

function busyFault(): SoapFault {
  return soap12Fault({
    code: 'Receiver',
    subcode: { prefix: 'pol', namespace: POLICY_NAMESPACE, local: 'SystemBusy' },
    reason: 'The policy system is busy, try again later',
    detail: policyError('E503', 'SERVICE TEMPORARILY UNAVAILABLE'),
  });
}

function policyError(code: 'E404' | 'E503', message: string): FaultDetail {
  return { element: 'PolicyError', namespace: POLICY_NAMESPACE, fields: { Code: code, Message: message } };
}
