import { defineMetric as def } from '../define.ts';

/** Database: queries by pool, read routing, replica health (core/src/db). */
export const dbMetrics = {
  dbQueries: def({
    name: 'avelon_db_queries_total',
    type: 'counter',
    help: 'Queries sent to Postgres, by pool role (primary through PgBouncer, or replica).',
    labelNames: ['role', 'pool'],
  }),
  dbReadRoutes: def({
    name: 'avelon_db_read_routes_total',
    type: 'counter',
    help: 'Where reads were routed and why: replica, or primary because of read-your-writes, no replica in rotation, or a replica failure.',
    labelNames: ['target', 'reason'],
  }),
  dbReplicaLagSeconds: def({
    name: 'avelon_db_replica_lag_seconds',
    type: 'gauge',
    help: 'How far behind the primary a replica has replayed, in seconds (0 when caught up).',
    labelNames: ['replica'],
  }),
  dbReplicaLagBytes: def({
    name: 'avelon_db_replica_lag_bytes',
    type: 'gauge',
    help: 'WAL bytes a replica has yet to replay.',
    labelNames: ['replica'],
  }),
  dbReplicaInRotation: def({
    name: 'avelon_db_replica_in_rotation',
    type: 'gauge',
    help: '1 when a replica serves reads, 0 when it is down or lags past the bound.',
    labelNames: ['replica'],
  }),
};
