export { createAdminApp, type AdminAppOptions } from './admin-app.js';
export { createDomainApp, type DomainAppOptions } from './domain-app.js';
export { executeRoute, type RawInput, type RouteDependencies } from './route-handler.js';
