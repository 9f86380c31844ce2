/**
 * Event reasons, all in one place (as KEDA keeps them in pkg/eventreason): dashboards and alerts
 * match on these strings, so they are API and never spelled inline.
 */
export const EventReason = {
  CpuTargetLowered: 'CpuTargetLowered',
  CpuTargetRaised: 'CpuTargetRaised',
  FloorRaised: 'MinReplicasRaised',
  FloorLowered: 'MinReplicasLowered',
  CacheTtlChanged: 'CacheTtlChanged',
  DryRunDecision: 'DryRunDecision',
  MetricsUnavailable: 'MetricsUnavailable',
  MetricsRecovered: 'MetricsRecovered',
  KedaManagedHpa: 'KedaManagedHpa',
  HpaNotFound: 'HpaNotFound',
  NoCpuMetric: 'NoCpuMetric',
  UnknownCacheClass: 'UnknownCacheClass',
  ApplyFailed: 'ApplyFailed',
  InvalidSpec: 'InvalidSpec',
} as const;
export type EventReason = (typeof EventReason)[keyof typeof EventReason];

/** Condition types of a ScalingPolicy's status. */
export const ConditionType = {
  Ready: 'Ready',
  MetricsAvailable: 'MetricsAvailable',
  Applied: 'Applied',
} as const;
