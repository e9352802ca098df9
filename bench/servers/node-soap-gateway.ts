import { Hono, type Context } from 'hono';
import { createClientAsync, type Client } from 'soap';
import { customerWsdlPath } from '../../legacy-stubs/index.js';
import { listenHono } from './listen.js';
import { benchOptions, serveBench } from './probe.js';

/**
 * Contender "node-soap gateway": what a Node team would write by hand instead of Ficus. Hono
 * routes call the CRM through one reused `soap` client (built once from the WSDL) and map its
 * result to the same JSON Ficus answers, in code.
 */

const { upstream } = benchOptions<{ upstream: string }>();

interface AddrRec {
  StreetLn: string;
  CityNm: string;
  PostCd: string;
  CntryCd: string;
}

interface CustomerRec {
  CustNo: string;
  CustName: string;
  BirthDt: string;
  StatusCd: string;
  /** xs:decimal: node-soap makes it a number. */
  CreditLmt: number | string;
  /** A string, or an object holding only the xsi:nil attribute. */
  EMail?: unknown;
  /** One element comes as an object, several as an array. */
  Addr?: AddrRec | AddrRec[];
}

const statuses: Readonly<Record<string, string>> = { A: 'active', I: 'inactive', X: 'closed' };

function toCustomer(rec: CustomerRec) {
  const status = statuses[rec.StatusCd];
  if (status === undefined) throw new Error(`unknown status ${rec.StatusCd}`);
  const birth = rec.BirthDt;
  return {
    id: rec.CustNo.replace(/^0+(?=.)/, ''),
    name: rec.CustName.trim(),
    email: typeof rec.EMail === 'string' ? rec.EMail : null,
    birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
    status,
    creditLimit: typeof rec.CreditLmt === 'number' ? rec.CreditLmt.toFixed(2) : rec.CreditLmt,
    addresses: asArray(rec.Addr).map((addr) => ({
      street: addr.StreetLn,
      city: addr.CityNm,
      postalCode: addr.PostCd,
      country: addr.CntryCd.toUpperCase(),
    })),
  };
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function failed(c: Context, error: unknown) {
  const fault = (error as { root?: { Envelope?: { Body?: { Fault?: { faultstring?: string } } } } }).root?.Envelope?.Body?.Fault;
  return c.json({ title: fault ? 'Upstream fault' : 'Upstream failed' }, 502);
}

async function start() {
  const client: Client = await createClientAsync(customerWsdlPath, {}, upstream);
  const app = new Hono();
  app.get('/customers/:id', async (c) => {
    const id = c.req.param('id');
    if (!/^[1-9][0-9]{0,7}$/.test(id)) return c.json({ title: 'Invalid id' }, 400);
    try {
      const [result] = (await client['GetCustomerDetailsAsync']({ CustNo: id.padStart(8, '0') })) as [{ Customer: CustomerRec }];
      return c.json(toCustomer(result.Customer));
    } catch (error) {
      return failed(c, error);
    }
  });
  app.get('/customers', async (c) => {
    const name = c.req.query('name') ?? '';
    const limit = Number(c.req.query('limit') ?? 20);
    if (name.length === 0 || !Number.isInteger(limit) || limit < 1) return c.json({ title: 'Invalid query' }, 400);
    try {
      const [result] = (await client['SearchCustomersAsync']({ NamePattern: name, MaxRows: limit })) as [{ Customer?: CustomerRec | CustomerRec[] }];
      return c.json({ items: asArray(result.Customer).map(toCustomer) });
    } catch (error) {
      return failed(c, error);
    }
  });
  return listenHono(app, async () => {});
}

await serveBench(start);
