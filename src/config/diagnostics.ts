import type { z } from 'zod';

/** One problem found in a config or mapping file, reported as `file:path: message`. */
export interface ConfigIssue {
  readonly file: string;
  /** Dotted path inside the file, e.g. `routes.getCustomer.legacy.operation`; '' for the whole file. */
  readonly path: string;
  readonly message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.file}:${issue.path}: ${issue.message}`;
}

/** Thrown by loading and compiling when any issue is found; carries all of them, not just the first. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(`${issues.length} configuration problem(s):\n` + issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}

export function joinPath(...segments: ReadonlyArray<string | number | undefined>): string {
  return segments.filter((segment) => segment !== undefined && segment !== '').join('.');
}

export function issuesFromZod(file: string, basePath: string, error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({
    file,
    path: joinPath(basePath, ...issue.path.map((segment) => String(segment))),
    message: issue.message,
  }));
}

/** Collects issues while a whole file is checked, so `ficus validate` reports every error at once. */
export class IssueCollector {
  readonly issues: ConfigIssue[] = [];
  /** A shared object mapping is compiled once per use; its mistakes are reported once. */
  private readonly seen = new Set<string>();

  constructor(readonly file: string) {}

  add(path: string, message: string): void {
    this.push({ file: this.file, path, message });
  }

  addZod(basePath: string, error: z.ZodError): void {
    for (const issue of issuesFromZod(this.file, basePath, error)) this.push(issue);
  }

  private push(issue: ConfigIssue): void {
    const key = formatIssue(issue);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.issues.push(issue);
  }

  /** Runs `work`, turning a thrown ConfigError or plain error into issues at `path`. */
  guard<T>(path: string, work: () => T): T | undefined {
    try {
      return work();
    } catch (error) {
      if (isConfigError(error)) for (const issue of error.issues) this.push(issue);
      else this.add(path, error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }
}
