// The simulator: replays traffic traces through the operator's decide() and baselines (the stock HPA at
// any CPU target, KEDA-style triggers) in one world model. CLI: run.ts; results in docs/operator.md, and
// the 2M-user day with a flash sale (day-trace.ts) against every baseline's frontier in docs/capacity.md.
export { dayWithFlashSale } from './day-trace.ts';
export { compareOnTrace, paretoFrontier, verdict } from './frontier.ts';
export { hpaReconcile, newHpa } from './hpa.ts';
export { kedaStyle } from './keda.ts';
export { report, simulate } from './run.ts';
export { avelonOperator, kedaListScaler, stockHpa, stockHpaAt } from './strategies.ts';
export { loadTrace, type Trace } from './trace.ts';
