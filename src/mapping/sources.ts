/**
 * Where a request value comes from: `$params.id`, `$query.limit`, `$body`, `$body.address.street`.
 * Checked against the route's declared input at load, read with own-property lookups at run time.
 */

/** A route's validated input. */
export interface RouteInput {
  readonly params: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: unknown;
}

/** What the route declares, so `$params.x` can be checked to exist. */
export interface SourceScope {
  readonly params: ReadonlySet<string>;
  readonly query: ReadonlySet<string>;
  readonly hasBody: boolean;
}

export interface Source {
  readonly text: string;
  /** The domain-side path, for error messages: ['params', 'id']. */
  readonly path: readonly string[];
  read(input: RouteInput): unknown;
}

const roots = ['params', 'query', 'body'] as const;
type Root = (typeof roots)[number];

export function compileSource(text: string, scope: SourceScope): Source {
  const match = /^\$(params|query|body)((?:\.[A-Za-z_][A-Za-z0-9_-]*)*)$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a source; write $params.<name>, $query.<name>, $body or $body.<field>`);
  const root = match[1] as Root;
  const keys = match[2] ? match[2].slice(1).split('.') : [];
  checkDeclared(root, keys, scope, text);
  const path = [root, ...keys];
  return {
    text,
    path,
    read: (input) => {
      let value: unknown = input[root];
      for (const key of keys) {
        if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
        value = (value as Record<string, unknown>)[key];
      }
      return value;
    },
  };
}

function checkDeclared(root: Root, keys: readonly string[], scope: SourceScope, text: string): void {
  if (root === 'body') {
    if (!scope.hasBody) throw new Error(`${text}: the route declares no input.body`);
    return;
  }
  const declared = scope[root];
  const [name] = keys;
  if (name === undefined) throw new Error(`${text}: name the ${root === 'params' ? 'path parameter' : 'query parameter'}, e.g. $${root}.id`);
  if (!declared.has(name)) {
    const known = [...declared].join(', ') || 'none';
    throw new Error(`${text}: the route declares no input.${root}.${name} (declared: ${known})`);
  }
}
