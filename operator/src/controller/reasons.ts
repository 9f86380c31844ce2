// The operator's identity on what it writes to the apiserver. The Event reasons and condition types
// themselves are chosen by the plain evaluation code, so they live beside it (evaluate/reasons.ts).

/** The `reportingController` of every Event the operator writes. */
export const reportingController = 'autoscaling.avelon.io/operator';

/** The field manager of every write, so managedFields show what the operator owns. */
export const fieldManager = 'avelon-operator';
