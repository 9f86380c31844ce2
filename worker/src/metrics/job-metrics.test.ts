import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstWaitSeconds, isFinalFailure } from './job-metrics.ts';

test('wait time counts from enqueue plus delay to the first start only', () => {
  const job = { timestamp: 1000, processedOn: 3500, attemptsStarted: 1, opts: {} };
  assert.equal(firstWaitSeconds(job), 2.5);
  assert.equal(firstWaitSeconds({ ...job, opts: { delay: 2000 } }), 0.5);
  assert.equal(firstWaitSeconds({ ...job, attemptsStarted: 2 }), undefined, 'a retry waits on backoff, not the queue');
  assert.equal(firstWaitSeconds({ ...job, processedOn: 500 }), 0, 'clock skew never gives a negative wait');
});

test('a failure is final when attempts are used up or the error is unrecoverable', () => {
  const err = new Error('x');
  const unrecoverable = Object.assign(new Error('bad'), { name: 'UnrecoverableError' });
  assert.equal(isFinalFailure({ attemptsMade: 1, opts: { attempts: 3 } }, err), false);
  assert.equal(isFinalFailure({ attemptsMade: 3, opts: { attempts: 3 } }, err), true);
  assert.equal(isFinalFailure({ attemptsMade: 1, opts: { attempts: 3 } }, unrecoverable), true);
  assert.equal(isFinalFailure(undefined, err), true);
});
