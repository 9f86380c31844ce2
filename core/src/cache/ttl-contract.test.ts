import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheTtlBoundsSeconds, defaultCacheTtlSeconds, isCacheClass, parseCacheTtls } from './ttl-contract.ts';

test('overrides in bounds apply; unknown classes, junk and out-of-bounds values fall back to defaults', () => {
  const ttls = parseCacheTtls({
    product: '900', // applies
    'product-list': '0', // below the minimum
    brand: String(cacheTtlBoundsSeconds.max + 1), // above the maximum
    category: '12.5', // not an integer
    nonsense: '10', // not a class
  });
  assert.equal(ttls.product, 900);
  assert.equal(ttls['product-list'], defaultCacheTtlSeconds['product-list']);
  assert.equal(ttls.brand, defaultCacheTtlSeconds.brand);
  assert.equal(ttls.category, defaultCacheTtlSeconds.category);
  assert.equal(Object.keys(ttls).length, Object.keys(defaultCacheTtlSeconds).length);
});

test('isCacheClass knows exactly the classes', () => {
  assert.ok(isCacheClass('product'));
  assert.ok(!isCacheClass('products'));
});
