import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isConnectionError, isPoolBusy, PoolBusyError } from './pools.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

test('connection failures are recognised, also when wrapped', () => {
  const cases: Array<[string, unknown, boolean]> = [
    ['refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), true],
    // a replica pod's name during its replacement: the lookup times out instead of failing
    ['lookup timed out', withCode('getaddrinfo EAI_AGAIN avelon-postgresql-replica-0', 'EAI_AGAIN'), true],
    ['network unreachable', withCode('connect ENETUNREACH 10.200.0.9:5432', 'ENETUNREACH'), true],
    ['server shut down', withCode('terminating connection due to administrator command', '57P01'), true],
    ['dropped socket', new Error('Connection terminated unexpectedly'), true],
    ['connect timeout', new Error('Connection terminated due to connection timeout'), true],
    // a wait for a free connection of a full pool is back-pressure, not a server failure
    ['pool wait', new Error('timeout exceeded when trying to connect'), false],
    // Drizzle wraps the driver error: "Failed query: ..." with the real one as cause
    ['wrapped', new Error('Failed query: select 1', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') }), true],
    // a bad query is the caller's problem, not a reason to fail over
    ['syntax', withCode('syntax error at or near "selec"', '42601'), false],
    ['unique', new Error('Failed query', { cause: withCode('duplicate key', '23505') }), false],
    ['not an error', 'ECONNREFUSED', false],
  ];
  for (const [name, error, expected] of cases) assert.equal(isConnectionError(error), expected, name);
});

test('a full pool is back-pressure: refused at once or a timed-out wait, also when wrapped', () => {
  assert.equal(isPoolBusy(new PoolBusyError(100)), true);
  assert.equal(
    isPoolBusy(new Error('Failed query', { cause: new Error('timeout exceeded when trying to connect') })),
    true,
  );
  assert.equal(isPoolBusy(withCode('connect ECONNREFUSED', 'ECONNREFUSED')), false);
  assert.equal(isConnectionError(new PoolBusyError(1)), false);
});
