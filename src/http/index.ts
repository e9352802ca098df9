export { createAdminApp, type AdminAppOptions } from './admin-app.js';
export { createFlagRoutes, type FlagRoutesOptions } from './admin-flags.js';
export { createDomainApp, type DomainAppOptions } from './domain-app.js';
export { executeRoute, type RawInput, type RequestFacts, type RouteDependencies, type RouteTrace } from './route-handler.js';
