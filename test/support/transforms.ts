import { compileTransform, isTransformConfigError, type TransformContext } from '../../src/mapping/transforms/index.js';

/** A mapping file without named code tables. */
export const noCodeTables: TransformContext = { codeTable: () => undefined };

/** The issues a refused transform option reports; fails the test if the option is accepted. */
export function configIssues(name: string, option: unknown, context: TransformContext = noCodeTables): unknown {
  try {
    compileTransform(name, option, context);
  } catch (error) {
    if (isTransformConfigError(error)) return error.issues;
    throw error;
  }
  throw new Error(`expected ${name} ${JSON.stringify(option)} to be refused`);
}
