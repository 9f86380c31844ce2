import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueObservation } from '../decide/index.ts';
import { errorText, type MetricQuery, type MetricSource, type SourceReading, withTimeout } from './source.ts';

interface Seen {
  at: number;
  inSystem: number;
  /** Last events-stream id counted. */
  lastEventId: string;
}

/**
 * Reads queues straight from the queue Redis, the way BullMQ itself counts them: waiting AND
 * prioritized (a sorted set of its own, which KEDA's list scaler never sees), delayed and active; the
 * age of the oldest waiting job; completions from the queue's events stream; live workers from
 * CLIENT LIST. A queue whose keys do not exist is reported missing — a misspelt name or prefix is a
 * configuration error, not an empty queue.
 */
export class BullmqSource implements MetricSource {
  readonly name = 'bullmq' as const;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #queues = new Map<string, Queue>();
  readonly #seen = new Map<string, Seen>();

  constructor(redis: Redis, prefix: string, timeoutMs = 1500) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#timeoutMs = timeoutMs;
  }

  async read(query: MetricQuery, now: number): Promise<SourceReading> {
    const out: SourceReading = { missing: [], queues: {} };
    await Promise.all(
      query.queues.map(async (name) => {
        try {
          (out.queues as Record<string, QueueObservation | undefined>)[name] = await withTimeout(
            this.#readQueue(name, now),
            this.#timeoutMs,
            `bullmq ${name}`,
          );
        } catch (e) {
          out.missing.push(`bullmq: queue ${name}: ${errorText(e)}`);
        }
      }),
    );
    return out;
  }

  async #readQueue(name: string, now: number): Promise<QueueObservation> {
    const key = (suffix: string) => `${this.#prefix}:${name}:${suffix}`;
    const queue = this.#queue(name);
    const [exists, counts, workers] = await Promise.all([
      this.#redis.exists(key('meta'), key('wait'), key('prioritized'), key('active'), key('events')),
      queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active'),
      queue.getWorkersCount(),
    ]);
    if (exists === 0) throw new Error(`no keys under ${key('*')} (wrong queue name or QUEUE_PREFIX?)`);
    const backlog = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
    const inSystem = backlog + (counts.delayed ?? 0) + (counts.active ?? 0);
    const oldestWaitSeconds = await this.#oldestWaitSeconds(name, now);
    const prev = this.#seen.get(name);
    const { finished, lastId } = await this.#finishedSince(key('events'), prev?.lastEventId);
    this.#seen.set(name, { at: now, inSystem, lastEventId: lastId });
    const obs: QueueObservation = { backlog, oldestWaitSeconds, workers };
    if (prev && now > prev.at) {
      const dt = (now - prev.at) / 1000;
      obs.completedPerSecond = finished / dt;
      // Conservation: arrivals are what finished plus what the queue grew by.
      obs.arrivalPerSecond = Math.max(0, (finished + inSystem - prev.inSystem) / dt);
    }
    return obs;
  }

  /** Age of the job that has waited longest: the tail of the wait list, or the head of prioritized. */
  async #oldestWaitSeconds(name: string, now: number): Promise<number> {
    const key = (suffix: string) => `${this.#prefix}:${name}:${suffix}`;
    const [tail, top] = await Promise.all([
      this.#redis.lindex(key('wait'), -1),
      this.#redis.zrange(key('prioritized'), 0, 0),
    ]);
    const ids = [tail, top[0]].filter((id): id is string => !!id);
    const stamps = await Promise.all(ids.map((id) => this.#redis.hmget(key(id), 'timestamp', 'delay')));
    let oldest = 0;
    for (const [ts, delay] of stamps) {
      // A delayed job could only start once its delay ran out: its wait counts from then.
      const readyAt = Number(ts) + Number(delay ?? 0);
      if (Number.isFinite(readyAt) && readyAt > 0) oldest = Math.max(oldest, (now - readyAt) / 1000);
    }
    return oldest;
  }

  /** Jobs completed or failed since the last read, counted from the queue's events stream. */
  async #finishedSince(stream: string, after: string | undefined): Promise<{ finished: number; lastId: string }> {
    if (after === undefined) {
      // First read: start from the newest entry, count nothing yet.
      const last = await this.#redis.xrevrange(stream, '+', '-', 'COUNT', 1);
      return { finished: 0, lastId: last[0]?.[0] ?? '0-0' };
    }
    let finished = 0;
    let lastId = after;
    for (let page = 0; page < 20; page++) {
      const entries = await this.#redis.xrange(stream, `(${lastId}`, '+', 'COUNT', 5000);
      for (const [id, fields] of entries) {
        lastId = id;
        const event = fields[fields.indexOf('event') + 1];
        if (event === 'completed' || event === 'failed') finished++;
      }
      if (entries.length < 5000) break;
    }
    return { finished, lastId };
  }

  #queue(name: string): Queue {
    let q = this.#queues.get(name);
    if (!q) {
      // skipMetasUpdate: a reader must not create the meta key that tells a real queue from a typo.
      q = new Queue(name, { connection: this.#redis, prefix: this.#prefix, skipMetasUpdate: true });
      q.on('error', () => {}); // reported through read(), not as an unhandled event
      this.#queues.set(name, q);
    }
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.close().catch(() => {})));
    this.#queues.clear();
  }
}
