import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidPolicyError } from '../errors.ts';
import { parsePolicySpec } from './validate.ts';

const api = { hpa: 'avelon-api', p95LatencyMs: 50, cpuTarget: { min: 40, max: 80 }, minReplicas: { min: 2, max: 20 } };

const problemsOf = (raw: unknown): string[] => {
  try {
    parsePolicySpec(raw);
    return [];
  } catch (e) {
    assert.ok(e instanceof InvalidPolicyError);
    return [...e.problems];
  }
};

test('a minimal spec gets every default the CRD declares', () => {
  const spec = parsePolicySpec({ api });
  assert.equal(spec.evaluationIntervalSeconds, 2);
  assert.equal(spec.dryRun, false);
  assert.deepEqual(spec.metrics, { source: 'scrape', queueSource: 'bullmq', windowSeconds: 30, staleAfterSeconds: 10 });
  assert.equal(spec.behavior?.raiseAfterSeconds, 60);
});

const cases: Array<[string, unknown, RegExp]> = [
  // inverted bounds: the CEL rule's JS twin says what the apiserver says
  ['inverted cpu bounds', { api: { ...api, cpuTarget: { min: 80, max: 40 } } }, /cpuTarget: min must not exceed max/],
  // negative values fail the schema's minimum
  [
    'negative latency',
    { api: { ...api, p95LatencyMs: -5 } },
    /p95LatencyMs: Expected integer to be greater or equal to 1/,
  ],
  // unknown fields are rejected, not silently dropped
  ['unknown field', { api, bogus: 1 }, /Unexpected property|additional/i],
  // a TTL default outside its bounds
  [
    'ttl default above max',
    {
      cache: { hitRateTarget: 0.9, classes: [{ name: 'product', ttlSeconds: { min: 60, default: 6000, max: 3600 } }] },
    },
    /min <= default <= max/,
  ],
  // prometheus without its URL
  ['prometheus without url', { metrics: { source: 'prometheus' } }, /prometheus.url is required/],
  // a worker floor that can never hold a replica
  [
    'worker max 0',
    { workers: [{ queue: 'emails', hpa: 'w', maxWaitSeconds: 30, replicas: { min: 0, max: 0 } }] },
    /replicas.max must be at least 1/,
  ],
];

for (const [name, raw, want] of cases) {
  test(`rejected: ${name}`, () => {
    const problems = problemsOf(raw);
    assert.ok(
      problems.some((p) => want.test(p)),
      `want ${want} in ${JSON.stringify(problems)}`,
    );
  });
}
