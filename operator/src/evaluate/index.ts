// One evaluation of a ScalingPolicy as plain code: readings in (plan: observations and the decision),
// and out come the conditions, the Events to record, the decision lines and the status (report);
// whether that status is worth a write (status-write) and when each policy is next due (schedule).
// No Kubernetes, Redis or clock in here: controller/ and standalone/ read, write and time around it.
export { hpaNames, plan, type Readings } from './readings.ts';
export { ConditionType, EventReason } from './reasons.ts';
export { actionEvent, type Outcome, type PolicyEvent, report } from './report.ts';
export { Schedule } from './schedule.ts';
export { initialState, type RunnerState } from './state.ts';
export { type StatusWrite, statusHeartbeatMs, statusWrite } from './status-write.ts';
