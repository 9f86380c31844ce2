import type { Redis } from 'ioredis';
import type { ClaimResult, IdempotencyLedger, LedgerRecord } from './ledger.ts';

// Each script reads the clock of Redis (TIME), so leases mean the same to every worker whatever
// their own clocks say. A record is a hash: state (sending|free|done), token, lease_until, detail,
// took_over (sticky: set once any attempt replaced an expired claim).
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

const CLAIM = `${NOW}
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'done' then return {'done', redis.call('HGET', KEYS[1], 'detail') or ''} end
local took = 0
if state == 'sending' then
  local owner = redis.call('HGET', KEYS[1], 'token')
  local lease_until = tonumber(redis.call('HGET', KEYS[1], 'lease_until') or '0')
  if owner ~= ARGV[1] then
    if lease_until > now then return {'busy', tostring(lease_until - now)} end
    took = 1
  end
end
local sticky = took
if redis.call('HGET', KEYS[1], 'took_over') == '1' then sticky = 1 end
redis.call('HSET', KEYS[1], 'state', 'sending', 'token', ARGV[1], 'lease_until', now + tonumber(ARGV[2]), 'took_over', sticky)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {'claimed', tostring(took)}`;

const RENEW = `${NOW}
if redis.call('HGET', KEYS[1], 'state') ~= 'sending' or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'lease_until', now + tonumber(ARGV[2]))
return 1`;

const RELEASE = `
if redis.call('HGET', KEYS[1], 'state') ~= 'sending' or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'free')
redis.call('HDEL', KEYS[1], 'token', 'lease_until')
return 1`;

// Unconditional: the effect happened, whoever holds the claim now.
const COMPLETE = `
redis.call('HSET', KEYS[1], 'state', 'done', 'detail', ARGV[1])
redis.call('HDEL', KEYS[1], 'token', 'lease_until')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

type Script = (key: string, ...args: Array<string | number>) => Promise<unknown>;
interface LedgerCommands {
  avelonLedgerClaim: Script;
  avelonLedgerRenew: Script;
  avelonLedgerRelease: Script;
  avelonLedgerComplete: Script;
}

/**
 * The ledger in the queue Redis (noeviction, append-only file), beside the jobs it guards. Each
 * operation is one Lua script, so a claim is atomic across every worker process.
 */
export class RedisLedger implements IdempotencyLedger {
  readonly #redis: Redis & LedgerCommands;
  readonly #retentionMs: number;

  /** `retentionMs`: how long a record lives after its last write (a done record guards this long). */
  constructor(redis: Redis, retentionMs: number) {
    const scripts = {
      avelonLedgerClaim: CLAIM,
      avelonLedgerRenew: RENEW,
      avelonLedgerRelease: RELEASE,
      avelonLedgerComplete: COMPLETE,
    };
    for (const [name, lua] of Object.entries(scripts)) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 1, lua });
    }
    this.#redis = redis as Redis & LedgerCommands;
    this.#retentionMs = retentionMs;
  }

  async claim(key: string, token: string, leaseMs: number): Promise<ClaimResult> {
    const [status, value] = (await this.#redis.avelonLedgerClaim(key, token, leaseMs, this.#retentionMs)) as [
      string,
      string,
    ];
    if (status === 'done') return { status, detail: value };
    if (status === 'busy') return { status, retryInMs: Number(value) };
    return { status: 'claimed', tookOver: value === '1' };
  }

  async renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    return (await this.#redis.avelonLedgerRenew(key, token, leaseMs)) === 1;
  }

  async release(key: string, token: string): Promise<void> {
    await this.#redis.avelonLedgerRelease(key, token);
  }

  async complete(key: string, _token: string, detail: string): Promise<void> {
    await this.#redis.avelonLedgerComplete(key, detail, this.#retentionMs);
  }

  async inspect(key: string): Promise<LedgerRecord | undefined> {
    const h = await this.#redis.hgetall(key);
    if (h.state !== 'sending' && h.state !== 'done') return undefined;
    return { state: h.state, ...(h.detail !== undefined ? { detail: h.detail } : {}), tookOver: h.took_over === '1' };
  }
}
