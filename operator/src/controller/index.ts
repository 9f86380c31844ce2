// The Kubernetes side of the operator: lists ScalingPolicies, runs each through observe -> decide ->
// apply -> report (runner.ts), patches only the HPA fields it owns, records Events (reasons.ts) and
// writes status. Only the Lease holder gets here with writes.
export { Controller, type ControllerOptions } from './controller.ts';
export type { Effects } from './effects.ts';
export { type Kube, kubeClients } from './kube.ts';
export { OperatorMetrics } from './metrics.ts';
export { ConditionType, EventReason, fieldManager, reportingController } from './reasons.ts';
export { PolicyRunner } from './runner.ts';
