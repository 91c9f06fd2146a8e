import { sqlMigration } from '@slipway/service-kit';
import type { Migration } from '@slipway/service-kit';

export const migrations: Migration[] = [
  sqlMigration(1, 'carts and their items', [
    `CREATE TABLE carts (
      id uuid PRIMARY KEY,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE cart_items (
      cart_id uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
      product_id integer NOT NULL,
      name text NOT NULL,
      image_url text NOT NULL,
      unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
      quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (cart_id, product_id)
    )`,
  ]),
];
