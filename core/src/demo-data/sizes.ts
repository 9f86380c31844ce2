/** How many rows of each kind the demo data has. */
export interface DemoSizes {
  brands: number;
  categories: number;
  products: number;
  users: number;
  reviews: number;
  orders: number;
  carts: number;
  discountCodes: number;
  notifications: number;
}

/** `default` is what `make up` loads: a realistic shop that still loads in well under a minute. */
export const demoSizePresets: Record<'tiny' | 'small' | 'default' | 'large', DemoSizes> = {
  tiny: {
    brands: 5,
    categories: 8,
    products: 60,
    users: 30,
    reviews: 150,
    orders: 40,
    carts: 10,
    discountCodes: 3,
    notifications: 20,
  },
  small: {
    brands: 30,
    categories: 50,
    products: 2_000,
    users: 1_000,
    reviews: 8_000,
    orders: 2_000,
    carts: 300,
    discountCodes: 10,
    notifications: 1_000,
  },
  default: {
    brands: 300,
    categories: 500,
    products: 50_000,
    users: 20_000,
    reviews: 200_000,
    orders: 50_000,
    carts: 5_000,
    discountCodes: 50,
    notifications: 20_000,
  },
  large: {
    brands: 1_000,
    categories: 2_000,
    products: 500_000,
    users: 200_000,
    reviews: 2_000_000,
    orders: 500_000,
    carts: 50_000,
    discountCodes: 200,
    notifications: 200_000,
  },
};

export type DemoSizeName = keyof typeof demoSizePresets;

export function isDemoSizeName(name: string): name is DemoSizeName {
  return Object.hasOwn(demoSizePresets, name);
}
