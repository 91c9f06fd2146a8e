import { sqlMigration } from '@slipway/service-kit';
import type { Migration } from '@slipway/service-kit';
import { imageFileOf, seedCatalog } from './catalog.ts';

export const migrations: Migration[] = [
  sqlMigration(1, 'products and reservations', [
    `CREATE TABLE products (
      id serial PRIMARY KEY,
      sku text NOT NULL UNIQUE,
      name text NOT NULL,
      description text NOT NULL,
      price_cents integer NOT NULL CHECK (price_cents >= 0),
      currency text NOT NULL DEFAULT 'USD',
      category text NOT NULL,
      stock integer NOT NULL CHECK (stock >= 0),
      image text NOT NULL,
      featured boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX products_category_idx ON products (category)',
    `CREATE TABLE reservations (
      id uuid PRIMARY KEY,
      created_at timestamptz NOT NULL DEFAULT now(),
      released_at timestamptz
    )`,
    `CREATE TABLE reservation_items (
      reservation_id uuid NOT NULL REFERENCES reservations (id),
      product_id integer NOT NULL REFERENCES products (id),
      quantity integer NOT NULL CHECK (quantity > 0),
      PRIMARY KEY (reservation_id, product_id)
    )`,
  ]),
  {
    version: 2,
    name: 'seed catalog',
    async up(tx) {
      for (const p of seedCatalog) {
        await tx.query(
          `INSERT INTO products (sku, name, description, price_cents, category, stock, image, featured)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [p.sku, p.name, p.description, p.priceCents, p.category, p.stock, imageFileOf(p.sku), p.featured ?? false],
        );
      }
    },
  },
];
