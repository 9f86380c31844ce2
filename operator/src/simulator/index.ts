// The simulator: replays traffic traces through the operator's decide() and two baselines (stock HPA,
// KEDA's list scaler) in one world model. CLI: run.ts; results in docs/operator.md.
export { hpaReconcile, newHpa } from './hpa.ts';
export { report, simulate } from './run.ts';
export { avelonOperator, kedaListScaler, stockHpa } from './strategies.ts';
export { loadTrace, type Trace } from './trace.ts';
