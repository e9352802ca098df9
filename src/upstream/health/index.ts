export { ActiveHealthChecker, type HealthChange, type HealthCheckOptions } from './active-checker.js';
export { selectCandidates, type Candidates } from './availability.js';
export { EndpointHealth, type CheckThresholds, type EndpointHealthSnapshot } from './endpoint-health.js';
export { OutlierDetector, type Ejection, type OutlierDetectionOptions } from './outlier-detector.js';
