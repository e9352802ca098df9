export { compileMappings, type CompiledMappings, type MappingSource } from './compile.js';
export type { CompiledExample, CompiledLegacyTarget, CompiledModernTarget, CompiledRoute, HttpMethod, StickyKeySource } from './compiled-route.js';
export type { DeclaredProblem } from './declared-problems.js';
export { declaredTypeName, TypeRegistry } from './domain-types.js';
export {
  isReplyMappingError,
  isRequestMappingError,
  renderFieldPath,
  ReplyMappingError,
  RequestMappingError,
} from './mapping-errors.js';
export type { RouteInput } from './sources.js';
export { transformRegistry } from './transforms/index.js';
