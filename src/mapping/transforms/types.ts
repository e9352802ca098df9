import type { z } from 'zod';

/** A value as transforms see it: XML text on the legacy side, a JSON scalar on the domain side. */
export type Scalar = string | number | boolean | null;

/** A value that is there: all a transform that passes null through is ever given. */
export type PresentScalar = Exclude<Scalar, null>;

/** The two directions of a transform for which null means "no value", written for present values. */
export interface PresentValueDirections {
  toDomain(value: PresentScalar): Scalar;
  toLegacy(value: PresentScalar): Scalar;
}

/**
 * One transform of one field, compiled once when a mapping loads.
 *
 * Every option of a transform describes the legacy representation. The mapping compiler chains
 * the transforms of a field in the order they are written: a reply runs `toDomain` of each in
 * order, a request runs `toLegacy` of each in reverse order. `null` (xsi:nil or absent) passes
 * through unchanged in both directions (`passingNull` in values.ts), except for `nullIf`, whose
 * whole point is null.
 */
export interface CompiledTransform {
  readonly name: string;
  /** Legacy -> domain, used on replies. Throws TransformError for a value that does not fit. */
  toDomain(value: Scalar): Scalar;
  /** Domain -> legacy, used when building requests. Throws TransformError for a value that does not fit. */
  toLegacy(value: Scalar): Scalar;
}

/** What a transform may ask of the mapping file it is compiled in. */
export interface TransformContext {
  /**
   * A named code table from the mapping file's `codes:` section, or undefined if there is none
   * by that name. Values are usually strings; YAML booleans and numbers keep their JSON type.
   */
  codeTable(name: string): Readonly<Record<string, Scalar>> | undefined;
}

/**
 * A transform of the mapping language: its option schema and how to compile a checked option.
 * The schema may normalize shorthand forms, so `compile` only ever sees one shape of option.
 */
export interface TransformDefinition<O> {
  readonly name: string;
  readonly option: z.ZodType<O>;
  /** May throw TransformConfigError for checks the schema cannot make (e.g. named code tables). */
  compile(option: O, context: TransformContext): CompiledTransform;
}
