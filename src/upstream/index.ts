export type { Call, ReplyClass, Stage, UpstreamReply, UpstreamRequest } from './call.js';
export { classifyByStatus, compose } from './call.js';
export { Upstream, UpstreamRegistry } from './upstream.js';
export { UpstreamError, isUpstreamError, type UpstreamFailure } from './upstream-error.js';
