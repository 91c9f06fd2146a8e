import { sqlMigration } from '@slipway/service-kit';
import type { Migration } from '@slipway/service-kit';

export const migrations: Migration[] = [
  sqlMigration(1, 'orders, lines and idempotency keys', [
    `CREATE TABLE orders (
      id uuid PRIMARY KEY,
      cart_id uuid NOT NULL,
      customer_id text NOT NULL,
      customer_name text NOT NULL,
      customer_email text NOT NULL,
      status text NOT NULL,
      subtotal_cents integer NOT NULL,
      total_cents integer NOT NULL,
      currency text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX orders_cart_idx ON orders (cart_id, created_at DESC)',
    'CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC)',
    `CREATE TABLE order_lines (
      order_id uuid NOT NULL REFERENCES orders (id),
      product_id integer NOT NULL,
      name text NOT NULL,
      unit_price_cents integer NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      line_total_cents integer NOT NULL,
      PRIMARY KEY (order_id, product_id)
    )`,
    `CREATE TABLE idempotency_keys (
      cart_id uuid NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      state text NOT NULL CHECK (state IN ('pending', 'done')),
      response_status integer,
      response_body text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (cart_id, key)
    )`,
  ]),
];
