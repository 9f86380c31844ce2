// The ScalingPolicy custom resource: its schema (one source, TypeBox), the CRD generated from it, and
// the validation used where no apiserver checks a spec (standalone files, the simulator).
export { crdGroup, crdKind, crdName, crdPlural, crdVersion } from './generate.ts';
export type {
  ApiSpec,
  BehaviorSpec,
  CacheSpec,
  MetricsSpec,
  ScalingPolicySpec,
  ScrapeTargetSpec,
  WorkerSpec,
} from './spec.ts';
export type { AppliedStatus, Condition, Decision, ObservedStatus, ScalingPolicyStatus } from './status.ts';
export { parsePolicySpec } from './validate.ts';
