import { base, en, Faker } from '@faker-js/faker';
import type { DemoSizes } from './sizes.ts';

/** One table's rows in the column order of `columns`; ids are explicit so references line up. */
export interface TableRows {
  table: string;
  columns: readonly string[];
  rows: unknown[][];
}

/** All demo timestamps lie in the year before this instant, so the output never depends on today. */
const EPOCH = Date.UTC(2026, 0, 1);
const YEAR_SECONDS = 365 * 24 * 3600;

export const DEMO_ADMIN_EMAIL = 'admin@avelon.local';
export const DEMO_CUSTOMER_EMAIL = 'customer@avelon.local';

/**
 * Deterministic demo data: the same seed and sizes give the same rows, byte for byte. Each table draws
 * from its own seeded generator, so a change to one table's generator leaves the others as they were.
 */
export function generateDemoData(seed: number, sizes: DemoSizes): TableRows[] {
  const rng = (table: number) => {
    const f = new Faker({ locale: [en, base] });
    f.seed(seed * 1000 + table);
    return f;
  };
  const at = (f: Faker, maxAgeSeconds = YEAR_SECONDS) =>
    new Date(EPOCH - f.number.int({ min: 0, max: maxAgeSeconds }) * 1000).toISOString();
  const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  let f = rng(1);
  const brands = ids(sizes.brands).map((id) => {
    const title = `${f.company.name()}`;
    return [
      id,
      `${slug(title)}-${id}`,
      title,
      f.company.catchPhrase(),
      `https://img.avelon.local/brands/${id}.png`,
      at(f),
    ];
  });

  f = rng(2);
  const topLevel = Math.max(1, Math.ceil(sizes.categories / 10));
  const categories = ids(sizes.categories).map((id) => {
    const title = `${f.commerce.department()} ${f.commerce.productAdjective()}`;
    const parent = id <= topLevel ? null : f.number.int({ min: 1, max: topLevel });
    return [id, `${slug(title)}-${id}`, title, f.lorem.sentence(), parent, at(f)];
  });

  f = rng(3);
  const prices: number[] = [0];
  const titles: string[] = [''];
  const products = ids(sizes.products).map((id) => {
    const title = f.commerce.productName();
    const price = f.number.int({ min: 199, max: 199_999 });
    prices.push(price);
    titles.push(title);
    const images = `{https://img.avelon.local/products/${id}/1.jpg,https://img.avelon.local/products/${id}/2.jpg}`;
    return [
      id,
      `${slug(title)}-${id}`,
      title,
      f.commerce.productDescription(),
      f.number.int({ min: 1, max: sizes.brands }),
      price,
      f.helpers.weightedArrayElement([
        { value: 0, weight: 8 },
        { value: 10, weight: 1 },
        { value: 25, weight: 1 },
      ]),
      f.number.int({ min: 0, max: 500 }),
      f.datatype.boolean({ probability: 0.93 }),
      f.datatype.boolean({ probability: 0.05 }),
      images,
      at(f),
    ];
  });

  f = rng(4);
  const productCategories: unknown[][] = [];
  for (const id of ids(sizes.products)) {
    const picks = new Set(
      f.helpers.multiple(() => f.number.int({ min: 1, max: sizes.categories }), { count: { min: 1, max: 3 } }),
    );
    for (const c of [...picks].sort((a, b) => a - b)) productCategories.push([id, c]);
  }

  f = rng(5);
  const users = ids(sizes.users).map((id) => {
    const first = f.person.firstName();
    const last = f.person.lastName();
    const email =
      id === 1 ? DEMO_ADMIN_EMAIL : id === 2 ? DEMO_CUSTOMER_EMAIL : `${slug(`${first}.${last}`)}.${id}@example.com`;
    return [id, email, `${first} ${last}`, id === 1 ? 'admin' : 'customer', true, at(f)];
  });
  const addresses = ids(sizes.users).map((id) => [
    id,
    id,
    f.location.streetAddress(),
    f.location.city(),
    f.location.zipCode(),
    f.location.countryCode(),
    true,
  ]);

  f = rng(6);
  const reviewed = new Set<string>();
  const reviews: unknown[][] = [];
  while (reviews.length < sizes.reviews && reviewed.size < sizes.users * sizes.products) {
    const user = f.number.int({ min: 1, max: sizes.users });
    const product = f.number.int({ min: 1, max: sizes.products });
    const key = `${user}:${product}`;
    if (reviewed.has(key)) continue;
    reviewed.add(key);
    const rating = f.helpers.weightedArrayElement([
      { value: 5, weight: 5 },
      { value: 4, weight: 3 },
      { value: 3, weight: 1 },
      { value: 2, weight: 1 },
      { value: 1, weight: 1 },
    ]);
    reviews.push([reviews.length + 1, product, user, rating, f.lorem.sentences({ min: 1, max: 3 }), at(f)]);
  }

  f = rng(7);
  const discountCodes = ids(sizes.discountCodes).map((id) => [
    id,
    `SAVE${f.string.alphanumeric({ length: 6, casing: 'upper' })}${id}`,
    f.helpers.arrayElement([5, 10, 15, 20, 25]),
    true,
  ]);

  f = rng(8);
  const orders: unknown[][] = [];
  const orderItems: unknown[][] = [];
  const payments: unknown[][] = [];
  for (const id of ids(sizes.orders)) {
    const user = f.number.int({ min: 1, max: sizes.users });
    const lines = new Set(
      f.helpers.multiple(() => f.number.int({ min: 1, max: sizes.products }), { count: { min: 1, max: 4 } }),
    );
    let subtotal = 0;
    for (const product of [...lines].sort((a, b) => a - b)) {
      const quantity = f.number.int({ min: 1, max: 3 });
      const unit = prices[product] ?? 0;
      subtotal += unit * quantity;
      orderItems.push([orderItems.length + 1, id, product, titles[product], quantity, unit]);
    }
    const status = f.helpers.weightedArrayElement([
      { value: 'delivered', weight: 6 },
      { value: 'shipped', weight: 2 },
      { value: 'paid', weight: 1 },
      { value: 'pending', weight: 1 },
    ]);
    const createdAt = at(f);
    orders.push([id, 100_000 + id, user, user, status, subtotal, 0, subtotal, createdAt]);
    if (status !== 'pending')
      payments.push([payments.length + 1, id, user, subtotal, 'succeeded', 'demo', `demo_${id}`, createdAt]);
  }

  f = rng(9);
  const carts: unknown[][] = [];
  const cartItems: unknown[][] = [];
  for (const id of ids(Math.min(sizes.carts, sizes.users))) {
    carts.push([id, id]);
    const lines = new Set(
      f.helpers.multiple(() => f.number.int({ min: 1, max: sizes.products }), { count: { min: 1, max: 5 } }),
    );
    for (const product of [...lines].sort((a, b) => a - b))
      cartItems.push([id, product, f.number.int({ min: 1, max: 4 })]);
  }

  f = rng(10);
  const notifications = ids(sizes.notifications).map((id) => [
    id,
    f.number.int({ min: 1, max: sizes.users }),
    'promotion',
    f.commerce.productAdjective(),
    f.lorem.sentence(),
    f.datatype.boolean(),
    at(f),
  ]);

  return [
    { table: 'brands', columns: ['id', 'slug', 'title', 'description', 'logo_url', 'created_at'], rows: brands },
    {
      table: 'categories',
      columns: ['id', 'slug', 'title', 'description', 'parent_id', 'created_at'],
      rows: categories,
    },
    {
      table: 'products',
      columns: [
        'id',
        'slug',
        'title',
        'description',
        'brand_id',
        'price_cents',
        'discount_percent',
        'stock',
        'is_available',
        'is_featured',
        'images',
        'created_at',
      ],
      rows: products,
    },
    { table: 'product_categories', columns: ['product_id', 'category_id'], rows: productCategories },
    { table: 'users', columns: ['id', 'email', 'name', 'role', 'is_email_verified', 'created_at'], rows: users },
    {
      table: 'addresses',
      columns: ['id', 'user_id', 'line1', 'city', 'postal_code', 'country', 'is_default'],
      rows: addresses,
    },
    { table: 'reviews', columns: ['id', 'product_id', 'user_id', 'rating', 'body', 'created_at'], rows: reviews },
    { table: 'discount_codes', columns: ['id', 'code', 'percent', 'is_active'], rows: discountCodes },
    {
      table: 'orders',
      columns: [
        'id',
        'number',
        'user_id',
        'address_id',
        'status',
        'subtotal_cents',
        'discount_cents',
        'total_cents',
        'created_at',
      ],
      rows: orders,
    },
    {
      table: 'order_items',
      columns: ['id', 'order_id', 'product_id', 'title', 'quantity', 'unit_price_cents'],
      rows: orderItems,
    },
    {
      table: 'payments',
      columns: ['id', 'order_id', 'user_id', 'amount_cents', 'status', 'provider', 'provider_ref', 'created_at'],
      rows: payments,
    },
    { table: 'carts', columns: ['id', 'user_id'], rows: carts },
    { table: 'cart_items', columns: ['cart_id', 'product_id', 'quantity'], rows: cartItems },
    {
      table: 'notifications',
      columns: ['id', 'user_id', 'kind', 'title', 'body', 'is_read', 'created_at'],
      rows: notifications,
    },
  ];
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
