export type { Call, ReplyClass, Stage, UpstreamReply, UpstreamRequest } from './call.js';
export { classifyByStatus, classifyReply, compose } from './call.js';
export { balancerKinds, createBalancer, type Balancer, type BalancerKind } from './balancers/index.js';
export type { DiscoverySnapshot } from './discovery/index.js';
export type { EndpointSnapshot, EndpointSpec } from './endpoint.js';
export { UpstreamRegistry } from './registry.js';
export { Upstream, type UpstreamSnapshot } from './upstream.js';
export { upstreamEventLevel, type UpstreamEvent } from './upstream-event.js';
export { UpstreamError, isUpstreamError, isUpstreamFault, type UpstreamFailure } from './upstream-error.js';
