export type { Call, Stage, UpstreamReply, UpstreamRequest } from './call.js';
export { compose } from './call.js';
export { Upstream, UpstreamRegistry } from './upstream.js';
export { UpstreamError, isUpstreamError, type UpstreamFailure } from './upstream-error.js';
