export { ConfigError, formatIssue, isConfigError, type ConfigIssue } from './diagnostics.js';
export type { GatewayConfig, Limits, UpstreamConfig } from './gateway-config.js';
export type { OtlpConfig, TelemetryConfig } from './telemetry-config.js';
export { loadConfig, type LoadedConfig, type LoadOptions } from './load.js';
export { defaultAdminPublicPaths, isLoopbackHost, type AdminConfig, type UpstreamTlsConfig, type WsSecurityConfig } from './security-config.js';
export { Secret } from './secret.js';
export { IssueCollector, joinPath } from './diagnostics.js';
export {
  isFieldKeyword,
  mappingFileSchema,
  type ExampleSpec,
  type FaultRule,
  type FaultsSpec,
  type FieldSpec,
  type FieldSpecObject,
  type MappingFile,
  type ModernErrorRule,
  type ModernTargetSpec,
  type NormalizerSpec,
  type RoutingSpec,
  type RouteSpec,
  type ScalarValue,
  type TypeDeclaration,
  type TypeSpec,
} from './mapping-file.js';
