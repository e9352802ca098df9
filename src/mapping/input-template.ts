import type { CompileContext } from './compile-context.js';
import { compileSource, type RouteInput, type SourceScope } from './sources.js';

/**
 * Text with input placeholders -> a function of the route input; sources are checked at load.
 * Used for problem details (`No customer {params.id}.`) and modern paths
 * (`/v2/customers/{params.id}`, where `encode` keeps a value inside its path segment).
 */
export function compileInputTemplate(
  template: string,
  scope: SourceScope,
  where: string,
  context: CompileContext,
  encode: (value: string) => string = (value) => value,
): (input: RouteInput) => string {
  const pieces: Array<string | ((input: RouteInput) => string)> = [];
  let last = 0;
  for (const match of template.matchAll(/\{((?:params|query|body)(?:\.[A-Za-z0-9_-]+)*)\}/g)) {
    pieces.push(template.slice(last, match.index));
    const source = context.issues.guard(where, () => compileSource(`$${match[1]}`, scope));
    if (source) pieces.push((input) => encode(String(source.read(input) ?? '')));
    last = match.index + match[0].length;
  }
  pieces.push(template.slice(last));
  return (input) => pieces.map((piece) => (typeof piece === 'string' ? piece : piece(input))).join('');
}
