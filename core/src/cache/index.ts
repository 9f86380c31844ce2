// Shared cache contracts: the TTL classes the operator tunes, the tags writers invalidate, and the
// Redis keys and channels both sides use. The cache itself lives in api/.
export * from './tags.ts';
export * from './ttl-contract.ts';
