// The database schema: one file per aggregate. drizzle-kit reads this file to generate migrations.

export * from './carts.ts';
export * from './catalogue.ts';
export * from './notifications.ts';
export * from './orders.ts';
export * from './outbox.ts';
export * from './payments.ts';
export * from './reviews.ts';
export * from './users.ts';
