// @avelon/core: what every Avelon app shares — validated config, the database schema, the database
// router (replicas, read-your-writes), metric names, the runtime every app shares (logger, ops server).
// Core imports no app.

export {
  type CacheClass,
  type CacheInvalidationMessage,
  cacheClasses,
  cacheInvalidationChannel,
  cacheTagKey,
  cacheTags,
  cacheTtlBoundsSeconds,
  cacheTtlChannel,
  cacheTtlHashKey,
  cacheValueKey,
  defaultCacheTtlSeconds,
  isCacheClass,
  parseCacheTtls,
  readCacheTtls,
  resetCacheTtl,
  writeCacheTtl,
} from './cache/index.ts';
export { envBool, envInt, envList, envLogLevel, envUrl, envUrlList } from './config/env-types.ts';
export { ConfigError, type ConfigShape, describeConfig, loadConfig, type OptionDoc } from './config/load-config.ts';
export { isProduction, nodeEnvShape, refuseDevelopmentSecrets } from './config/production.ts';
export { type DatabaseConfig, databaseConfigShape } from './db/config.ts';
export {
  type Consistency,
  DatabaseRouter,
  type DatabaseRouterOptions,
  type Db,
  type ReadTarget,
  type Tx,
} from './db/database-router.ts';
export { formatLsn, parseLsn } from './db/lsn.ts';
export { migrationsFolder, runMigrations } from './db/migrate.ts';
export { MAX_ORDER_TOTAL_CENTS, MAX_PRICE_CENTS } from './db/money.ts';
export { isPoolBusy, PoolBusyError } from './db/pools.ts';
export { MAX_PREPARED_PER_CONNECTION, prepareStatementsOn, statementName } from './db/prepared-statements.ts';
export type { ReplicaState } from './db/replica-monitor.ts';
export * as schema from './db/schema/index.ts';
export { MemoryWritePositionStore, RedisWritePositionStore, type WritePositionStore } from './db/write-positions.ts';
export { type MetricDef, type MetricName, metricCatalog } from './metrics/catalog.ts';
export {
  type DecisionKind,
  type DecisionRecord,
  type DecisionsResponse,
  operatorDecisionsPath,
  type PolicyTargets,
} from './metrics/decisions.ts';
export { type Bucket, histogramQuantile, increases, mergeBuckets, seriesKey, sum } from './metrics/histogram.ts';
export { parsePrometheusText, type Sample } from './metrics/prom-text.ts';
export { metric, processRegistry } from './metrics/registry.ts';
export {
  addToOutbox,
  deleteOutboxRows,
  deliverOutboxEntry,
  idArray,
  OUTBOX_WRITER_GRACE_MS,
  type OutboxEntry,
  type OutboxProducer,
  type SqlRunner,
} from './outbox/outbox.ts';
export { type QueueConfig, queueConfigShape } from './queues/config.ts';
export {
  EMAIL_PATTERN,
  type JobKind,
  type JobPayload,
  jobEntityKey,
  jobId,
  jobPayloads,
  jobQueue,
  type QueueName,
  queueNames,
} from './queues/contracts.ts';
export {
  type EnqueuedJob,
  type EnqueueOptions,
  InvalidJobPayloadError,
  JobProducer,
  type JobProducerOptions,
  QueueUnavailableError,
} from './queues/producer.ts';
export { redisConfigShape } from './redis/config.ts';
export { cacheConnection, queueProducerConnection, queueWorkerConnection } from './redis/connections.ts';
export {
  assertSupportedNode,
  type CheckFn,
  createLogger,
  type Logger,
  type LoggerOptions,
  type OpsRoute,
  type OpsServer,
  type OpsServerOptions,
  opsConfigShape,
  type ReadinessCheck,
  type ReadinessReport,
  refuseSharedOpsPort,
  SUPPORTED_NODE_MAJOR,
  serializeError,
  startOpsServer,
} from './runtime/index.ts';
