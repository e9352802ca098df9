export { createAdminApp, type AdminAppOptions, type ConfigInfo, type GatewayControl, type MetricsSource, type ReloadOutcome } from './admin-app.js';
export { createFlagRoutes, type FlagRoutesOptions } from './admin-flags.js';
export { AdminExposureError, assertAdminExposure } from './admin-auth.js';
export { answerClientErrors, edgeServerOptions } from './edge-limits.js';
export { createDomainApp, type DomainAppOptions } from './domain-app.js';
export { executeRoute, type RawInput, type RequestFacts, type RouteDependencies, type RouteTrace } from './route-handler.js';
