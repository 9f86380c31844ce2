// What the API says about a measurement: cache lookups and DB queries from its /metrics, read before and
// after, so the figures cover exactly the requests of that measurement.

export interface ApiCounters {
  /** First-tier lookups: every request of a cached route makes one. */
  l1Lookups: number;
  /** Answers from memory or Redis, fresh or served in grace. */
  hits: number;
  dbQueries: number;
}

const sum = (lines: string[], prefix: string, filter: (line: string) => boolean = () => true) =>
  lines.filter((l) => l.startsWith(prefix) && filter(l)).reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);

export function parseCounters(text: string): ApiCounters {
  const lines = text.split('\n');
  const lookups = 'avelon_cache_lookups_total{';
  const isHit = (l: string) => /result="(hit|stale)"/.test(l);
  return {
    l1Lookups: sum(lines, lookups, (l) => l.includes('tier="l1"')),
    hits: sum(lines, lookups, isHit),
    dbQueries: sum(lines, 'avelon_db_queries_total{'),
  };
}

/** The counters now, from /metrics of the API's ops server (`opsUrl`, its OPS_PORT). */
export async function counters(opsUrl: string): Promise<ApiCounters> {
  const res = await fetch(`${opsUrl}/metrics`);
  return parseCounters(await res.text());
}

/** Hit rate and DB queries per request between two snapshots, over `requests` answered. */
export function between(
  before: ApiCounters,
  after: ApiCounters,
  requests: number,
): { hitRate: number | null; dbQueriesPerRequest: number } {
  const lookups = after.l1Lookups - before.l1Lookups;
  return {
    hitRate: lookups > 0 ? (after.hits - before.hits) / lookups : null,
    dbQueriesPerRequest: requests > 0 ? (after.dbQueries - before.dbQueries) / requests : 0,
  };
}
