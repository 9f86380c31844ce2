// The operator's one config: every option with its default and a line of why, validated once at
// start-up (core's loadConfig reports every bad key at once). The only reader of process.env.
import {
  envBool,
  envInt,
  envLogLevel,
  envUrlList,
  loadConfig,
  opsConfigShape,
  queueConfigShape,
  redisConfigShape,
} from '@avelon/core';
import { z } from 'zod';

export const operatorConfigShape = {
  // The operator serves nothing else: its one port is the ops server's.
  ...opsConfigShape(15412, ', /status and /decisions (make up sets it from AVELON_OPERATOR_PORT)'),
  LOG_LEVEL: envLogLevel().describe('pino level; info logs each decision, lease change and policy error.'),
  KUBECONFIG: z
    .string()
    .default('')
    .describe('Kubeconfig file of the cluster; empty uses the pod service account (in-cluster).'),
  OPERATOR_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
    .default('default')
    .describe('Namespace whose ScalingPolicies, HPAs and Lease the operator works on.'),
  OPERATOR_IDENTITY: z
    .string()
    .max(128)
    .default('')
    .describe('Holder identity in the Lease and reportingInstance of Events; empty means <hostname>-<pid>.'),
  OPERATOR_LEASE_NAME: z
    .string()
    .min(1)
    .default('avelon-operator')
    .describe('coordination.k8s.io/v1 Lease used for leader election.'),
  OPERATOR_LEASE_DURATION_S: envInt(15, 2, 300).describe(
    'A leader that stops renewing is replaced after this many seconds.',
  ),
  OPERATOR_LEASE_RENEW_DEADLINE_S: envInt(10, 1, 299).describe(
    'A leader that could not renew for this long stops writing (kept under the lease duration: never two writers).',
  ),
  OPERATOR_LEASE_RETRY_S: envInt(2, 1, 60).describe(
    'How often candidates try to acquire, and the leader renews, the Lease.',
  ),
  OPERATOR_DRY_RUN: envBool(false).describe(
    'Compute and report every decision without applying any (same as --dry-run).',
  ),
  OPERATOR_POLICY_FILE: z
    .string()
    .default('operator/standalone-policy.yaml')
    .describe('Standalone mode (--standalone, no cluster): the ScalingPolicy YAML to run.'),
  OPERATOR_API_METRICS_URLS: envUrlList('').describe(
    'Standalone mode: API /metrics URLs, comma-separated, overriding the policy file (make up passes the local API).',
  ),
  OPERATOR_WORKER_METRICS_URLS: envUrlList('').describe(
    'Standalone mode: worker /metrics URLs overriding the policy file.',
  ),
  REDIS_CACHE_URL: redisConfigShape.REDIS_CACHE_URL,
  REDIS_QUEUE_URL: redisConfigShape.REDIS_QUEUE_URL,
  REDIS_COMMAND_TIMEOUT_MS: redisConfigShape.REDIS_COMMAND_TIMEOUT_MS,
  QUEUE_PREFIX: queueConfigShape.QUEUE_PREFIX,
} satisfies Record<string, z.ZodType>;

export type OperatorConfig = z.output<z.ZodObject<typeof operatorConfigShape>>;

/** Reads and validates the environment once. */
export const loadOperatorConfig = (env: Record<string, string | undefined> = process.env): OperatorConfig =>
  loadConfig(operatorConfigShape, env);
