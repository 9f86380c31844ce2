// Proves: the Redis ledger (the one the worker runs with) behaves like the reference ledger: the same
// conformance suite as worker/src/ledger/memory-ledger.test.ts, against the stack's queue Redis.
import { queueWorkerConnection } from '@avelon/core';
import { ledgerConformance } from '../../worker/src/ledger/ledger-conformance.ts';
import { RedisLedger } from '../../worker/src/ledger/redis-ledger.ts';
import { stack } from '../support/stack.ts';

ledgerConformance('RedisLedger', async (retentionMs) => {
  const redis = queueWorkerConnection(stack.REDIS_QUEUE_URL, 'test-ledger');
  return { ledger: new RedisLedger(redis, retentionMs), close: async () => void redis.disconnect() };
});
