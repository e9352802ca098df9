export { canaryBucket, decide, inCanary, type Decision } from './decide.js';
export { describeFlag, flagSchema, stages, type Flag, type Stage, type TargetName } from './flag.js';
export type { FlagEvent } from './flag-log.js';
export { FlagChangeError, FlagService, isFlagChangeError, type FlagChange, type FlaggedRoute } from './flag-service.js';
export { CorruptFlagLogError, FileFlagStore, MemoryFlagStore, type FlagStore } from './flag-store.js';
export { signOverride, verifyOverride } from './override.js';
export type { ShadowSnapshot } from './shadow-report.js';
export { isServerFailure, stickyKeyOf, Strangler, type RequestContext, type ShadowOutcome, type ShadowSettings } from './strangler.js';
