export { ClusterTelemetry } from './cluster-telemetry.js';
export type { ClusterSnapshot } from './cluster-snapshot.js';
