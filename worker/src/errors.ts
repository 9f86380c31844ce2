// Control-flow errors of the worker, named so the processor can translate them in one place
// (processor.ts) into what BullMQ understands: UnrecoverableError (fail now, no retry) or a delay.

/** The job can never succeed (bad payload, permanent SMTP rejection, user gone): fail it without retries. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** Another attempt holds this job's idempotency claim; try again after `retryInMs`, using no attempt. */
export class ClaimHeldError extends Error {
  readonly retryInMs: number;
  constructor(key: string, retryInMs: number) {
    super(`${key} is being processed by another attempt; retry in ${retryInMs} ms`);
    this.name = 'ClaimHeldError';
    this.retryInMs = retryInMs;
  }
}
