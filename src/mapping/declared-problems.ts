import type { FaultRule } from '../config/index.js';

/** A problem a route's own rules can answer with; the API description lists it with the route. */
export interface DeclaredProblem {
  readonly status: number;
  /** A slug (resolved against `problemTypeBase`) or an absolute URI, as the rule says. */
  readonly type: string;
  readonly title: string;
  readonly retryAfterSeconds: number | undefined;
}

type ProblemRule = Pick<FaultRule, 'status' | 'type' | 'title' | 'retryAfter'>;

/** The distinct problems of a route's rules, in the order the rules are tried (first rule wins). */
export function declaredProblems(rules: readonly ProblemRule[]): DeclaredProblem[] {
  const problems = new Map<string, DeclaredProblem>();
  for (const rule of rules) {
    const key = `${rule.status} ${rule.type}`;
    if (!problems.has(key)) {
      problems.set(key, { status: rule.status, type: rule.type, title: rule.title, retryAfterSeconds: rule.retryAfter });
    }
  }
  return [...problems.values()];
}
