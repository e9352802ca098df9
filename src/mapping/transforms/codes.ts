import { z } from 'zod';
import { type TransformConfigIssue, TransformConfigError, TransformError } from './errors.js';
import { byShape, domainCode, legacyCode } from './options.js';
import type { CompiledTransform, PresentScalar, Scalar, TransformContext, TransformDefinition } from './types.js';
import { codeKey, passingNull } from './values.js';

/**
 * `codes`: a code table, legacy code -> domain value, used backwards for requests.
 *
 *   codes: { A: active, I: inactive, X: closed }     an inline table
 *   codes: customerStatus                            a table from the file's `codes:` section
 *   codes: { table: <inline or name>, legacyFor?: { active: A }, otherwise?: unknown }
 *
 * An object with a `table` key is the option form (so a typo next to it is reported as such);
 * a legacy code literally named `table` therefore needs the option form around its table.
 *
 * Codes compare as strings (YAML reads `1:` as a number; legacy XML always sends text). Domain
 * values are strings, except YAML booleans and numbers, which keep their JSON type, so
 * `{ Y: true, N: false }` yields booleans; a domain value is looked up for requests by its
 * string form. A table must be reversible: if two codes map to one domain value, `legacyFor`
 * must say which one to send. An unknown code is a TransformError unless `otherwise` names the
 * domain value to use on replies; `otherwise` is not reversed (a request with it needs a code
 * that maps to it).
 */
type DomainCode = string | number | boolean;
type Path = readonly (string | number)[];

type TableSource =
  | { readonly kind: 'inline'; readonly entries: Readonly<Record<string, DomainCode>>; readonly path: Path }
  | { readonly kind: 'named'; readonly name: string; readonly path: Path };

export interface CodesOption {
  readonly table: TableSource;
  readonly legacyFor: Readonly<Record<string, string>> | undefined;
  readonly otherwise: DomainCode | undefined;
}

const inlineTable = z
  .record(z.string(), domainCode)
  .refine((table) => Object.keys(table).length > 0, { message: 'the code table is empty' });

const tableName = z.string().min(1, 'expected a code table name');

function tableSource(path: Path): z.ZodType<TableSource> {
  return byShape<TableSource>('an inline code table or the name of one', {
    string: tableName.transform((name): TableSource => ({ kind: 'named', name, path })),
    object: inlineTable.transform((entries): TableSource => ({ kind: 'inline', entries, path })),
  });
}

const optionForm = z
  .strictObject({
    table: tableSource(['table']),
    legacyFor: z.record(z.string(), legacyCode).optional(),
    otherwise: domainCode.optional(),
  })
  .transform(
    (option): CodesOption => ({ table: option.table, legacyFor: option.legacyFor, otherwise: option.otherwise }),
  );

const shorthand = tableSource([]).transform(
  (table): CodesOption => ({ table, legacyFor: undefined, otherwise: undefined }),
);

function isOptionForm(input: unknown): boolean {
  return typeof input === 'object' && input !== null && Object.hasOwn(input, 'table');
}

export const codesOption = byShape<CodesOption>('a code table, a table name or { table, legacyFor?, otherwise? }', {
  string: shorthand,
  object: (input) => (isOptionForm(input) ? optionForm : shorthand),
});

/** The written table: inline, or looked up by name (undefined if the file has no such table). */
function writtenTable(source: TableSource, context: TransformContext): Readonly<Record<string, Scalar>> | undefined {
  return source.kind === 'inline' ? source.entries : context.codeTable(source.name);
}

/** The entries of the table, reporting a missing named table or a null value as issues. */
function resolveTable(
  source: TableSource,
  context: TransformContext,
  issues: TransformConfigIssue[],
): ReadonlyMap<string, DomainCode> {
  const entries = new Map<string, DomainCode>();
  const written = writtenTable(source, context);
  if (written === undefined) {
    const name = source.kind === 'named' ? source.name : '';
    issues.push({ path: source.path, message: `no code table named '${name}' in the file's codes: section` });
    return entries;
  }
  for (const [code, value] of Object.entries(written)) {
    if (value !== null) entries.set(code, value);
    else issues.push({ path: issuePath(source, code), message: `'${code}' maps to null; use nullIf for that` });
  }
  if (entries.size === 0 && issues.length === 0) issues.push({ path: source.path, message: 'the code table is empty' });
  return entries;
}

/** Where to report a problem with one code: at the code for inline tables, at the name otherwise. */
function issuePath(source: TableSource, code: string): Path {
  return source.kind === 'inline' ? [...source.path, code] : source.path;
}

/** Legacy codes grouped by the string form of the domain value they map to. */
function codesByDomainValue(entries: ReadonlyMap<string, DomainCode>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const [code, value] of entries) {
    const key = codeKey(value);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [code]);
    else group.push(code);
  }
  return groups;
}

/** Each `legacyFor` entry must name a domain value of the table and a code that maps to it. */
function checkLegacyFor(
  chosen: Readonly<Record<string, string>>,
  groups: ReadonlyMap<string, readonly string[]>,
  issues: TransformConfigIssue[],
): void {
  for (const [domainValue, code] of Object.entries(chosen)) {
    const path = ['legacyFor', domainValue];
    const group = groups.get(domainValue);
    if (group === undefined) issues.push({ path, message: `no code maps to '${domainValue}'` });
    else if (!group.includes(code)) {
      issues.push({ path, message: `'${code}' does not map to '${domainValue}' (${quoteAll(group)} do)` });
    }
  }
}

/** The code to send for each domain value; reports ambiguity `legacyFor` does not settle. */
function reverseTable(
  option: CodesOption,
  entries: ReadonlyMap<string, DomainCode>,
  issues: TransformConfigIssue[],
): ReadonlyMap<string, string> {
  const groups = codesByDomainValue(entries);
  const chosen = option.legacyFor ?? {};
  checkLegacyFor(chosen, groups, issues);
  const reverse = new Map<string, string>();
  for (const [domainValue, group] of groups) {
    const pick = Object.hasOwn(chosen, domainValue) ? chosen[domainValue] : group.length === 1 ? group[0] : undefined;
    if (pick !== undefined) reverse.set(domainValue, pick);
    else issues.push({ path: issuePath(option.table, group[1] ?? ''), message: ambiguity(option, domainValue, group) });
  }
  return reverse;
}

function ambiguity(option: CodesOption, domainValue: string, group: readonly string[]): string {
  const fix = `legacyFor: { ${domainValue}: ${group[0] ?? ''} }`;
  const how = option.table.path.length === 0 ? `write { table: ..., ${fix} }` : `add ${fix}`;
  const problem = `codes ${quoteAll(group)} map to the same value '${domainValue}'`;
  return `${problem}, so a request cannot tell which to send; ${how}`;
}

function quoteAll(codes: readonly string[]): string {
  return codes.map((code) => `'${code}'`).join(', ');
}

function compileCodes(option: CodesOption, context: TransformContext): CompiledTransform {
  const issues: TransformConfigIssue[] = [];
  const table = resolveTable(option.table, context, issues);
  const reverse = issues.length === 0 ? reverseTable(option, table, issues) : new Map<string, string>();
  if (issues.length > 0) throw new TransformConfigError('codes', issues);
  const { otherwise } = option;
  return passingNull('codes', {
    toDomain(value: PresentScalar): Scalar {
      const domainValue = table.get(codeKey(value)) ?? otherwise;
      if (domainValue === undefined) throw new TransformError('codes', value, 'not a known code');
      return domainValue;
    },
    toLegacy(value: PresentScalar): Scalar {
      const code = reverse.get(codeKey(value));
      if (code === undefined) throw new TransformError('codes', value, 'no legacy code for this value');
      return code;
    },
  });
}

export const codes: TransformDefinition<CodesOption> = { name: 'codes', option: codesOption, compile: compileCodes };
