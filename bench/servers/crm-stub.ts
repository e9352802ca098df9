import type { IServices } from 'soap';
import { customerWsdlPath } from '../../legacy-stubs/index.js';
import { startSoapStub } from '../../legacy-stubs/soap-server.js';
import { benchCustomer, benchSearch, MAX_CUSTOMERS } from '../lib/crm-data.js';
import { benchOptions, serveBench } from './probe.js';

/**
 * The benchmark's legacy CRM: a real node-soap server built from the demo's CustomerService WSDL
 * by the demo stubs' own harness, over the benchmark's data (lib/crm-data.ts) instead of the
 * demo's seven customers, so that a search can return a reply of about 1 MB.
 */

const NAMESPACE = 'urn:acme:crm:v1';
const OPERATIONS = ['GetCustomerDetails', 'SearchCustomers', 'UpdateCustomerAddress'];

function services(): IServices {
  return {
    CustomerService: {
      CustomerServicePort: {
        GetCustomerDetails(args: { CustNo?: string }) {
          const custNo = Number(args.CustNo);
          if (!Number.isInteger(custNo) || custNo < 1 || custNo > MAX_CUSTOMERS) throw new Error('not on file');
          return { Customer: benchCustomer(custNo) };
        },
        SearchCustomers(args: { NamePattern?: string; MaxRows?: number }) {
          const rows = benchSearch(args.NamePattern ?? '*', args.MaxRows ?? 0);
          return { RowCount: rows.length, Customer: rows };
        },
      },
    },
  };
}

await serveBench(() =>
  startSoapStub(
    {
      name: 'crm',
      soapVersion: '1.1',
      wsdlPath: customerWsdlPath,
      path: '/crm',
      soapActions: OPERATIONS.map((operation) => `${NAMESPACE}/${operation}`),
      createServices: services,
    },
    { port: benchOptions<{ port?: number }>().port ?? 0 },
  ),
);
