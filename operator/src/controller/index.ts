// The Kubernetes side of the operator: watches ScalingPolicies (watch.ts, policies.ts), evaluates each
// on its own schedule while this process leads (controller.ts), runs each through observe -> decide ->
// apply -> report (runner.ts, around the plain code of evaluate/), patches only the HPA fields it owns,
// records Events and writes status when it changed. Only the Lease holder gets here with writes.
export { ConditionType, EventReason } from '../evaluate/index.ts';
export { Controller, type ControllerOptions } from './controller.ts';
export type { Effects } from './effects.ts';
export { type Kube, kubeClients } from './kube.ts';
export { OperatorMetrics } from './metrics.ts';
export { fieldManager, reportingController } from './reasons.ts';
export { PolicyRunner } from './runner.ts';
