/**
 * Control-flow errors of the operator, named so they are caught by class in one place (the
 * reconciler's `outcomeOf`) and never by message. Other errors keep their `cause`.
 */

/** A ScalingPolicy spec that fails the schema or a rule; every problem at once. */
export class InvalidPolicyError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid ScalingPolicy:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidPolicyError';
    this.problems = problems;
  }
}

/** The HPA a policy names does not exist: nothing to steer until it does. */
export class HpaNotFoundError extends Error {
  readonly hpa: string;
  constructor(hpa: string, options?: ErrorOptions) {
    super(`HorizontalPodAutoscaler ${hpa} not found`, options);
    this.name = 'HpaNotFoundError';
    this.hpa = hpa;
  }
}

/** The HPA belongs to KEDA (a ScaledObject owns it): two controllers on one HPA would fight. */
export class KedaManagedHpaError extends Error {
  readonly hpa: string;
  constructor(hpa: string, scaledObject: string) {
    super(`HorizontalPodAutoscaler ${hpa} is managed by KEDA ScaledObject ${scaledObject}; refusing to write to it`);
    this.name = 'KedaManagedHpaError';
    this.hpa = hpa;
  }
}

/** The HPA has no CPU utilization metric, so there is no target to move. */
export class NoCpuMetricError extends Error {
  readonly hpa: string;
  constructor(hpa: string) {
    super(`HorizontalPodAutoscaler ${hpa} has no Resource cpu Utilization metric to steer`);
    this.name = 'NoCpuMetricError';
    this.hpa = hpa;
  }
}

/** This process lost (or never had) the Lease between deciding and writing: it must not write. */
export class NotLeaderError extends Error {
  constructor() {
    super('not the leader: writes are left to the Lease holder');
    this.name = 'NotLeaderError';
  }
}
