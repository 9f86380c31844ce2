// What every app runs the same way: one JSON logger, one ops server (probes, metrics, a few read-only
// pages) on an ops port of its own, the ops port's config, the supported Node version.
export { serializeError } from './log-errors.ts';
export { createLogger, type Logger, type LoggerOptions } from './logger.ts';
export { assertSupportedNode, SUPPORTED_NODE_MAJOR } from './node-version.ts';
export { opsConfigShape, refuseSharedOpsPort } from './ops-config.ts';
export { type OpsRoute, type OpsServer, type OpsServerOptions, startOpsServer } from './ops-server.ts';
export type { CheckFn, ReadinessCheck, ReadinessReport } from './readiness.ts';
