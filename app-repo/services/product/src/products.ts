/** The catalog's queries. Every function takes a Queryable so it runs inside or outside a transaction. */
import type { Queryable } from '@slipway/service-kit';
import type { Product, ProductPage } from '@slipway/shop-contract';

interface ProductRow {
  id: number;
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  currency: string;
  category: string;
  stock: number;
  image: string;
  featured: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

export const IMAGE_ROUTE = '/api/products/images';

function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    priceCents: row.price_cents,
    currency: row.currency,
    category: row.category,
    stock: row.stock,
    imageUrl: `${IMAGE_ROUTE}/${row.image}`,
    featured: row.featured,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export interface ListQuery {
  q?: string;
  category?: string;
  featured?: boolean;
  page: number;
  pageSize: number;
}

/** `%` and `_` in a search are literal characters, not wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listProducts(db: Queryable, query: ListQuery): Promise<ProductPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.q) {
    params.push(likePattern(query.q));
    where.push(`(name ILIKE $${params.length} OR description ILIKE $${params.length} OR category ILIKE $${params.length})`);
  }
  if (query.category) {
    params.push(query.category);
    where.push(`lower(category) = lower($${params.length})`);
  }
  if (query.featured !== undefined) {
    params.push(query.featured);
    where.push(`featured = $${params.length}`);
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  params.push(query.pageSize, (query.page - 1) * query.pageSize);
  const { rows } = await db.query<ProductRow & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM products ${clause} ORDER BY id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  let total = rows[0]?.total;
  if (total === undefined) {
    // An empty page past the end still reports how many products match.
    const counted = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM products ${clause}`, params.slice(0, -2));
    total = counted.rows[0]?.total ?? 0;
  }
  return {
    items: rows.map(toProduct),
    page: query.page,
    pageSize: query.pageSize,
    total,
    totalPages: Math.ceil(total / query.pageSize),
  };
}

export async function listCategories(db: Queryable): Promise<{ name: string; count: number }[]> {
  const { rows } = await db.query<{ name: string; count: number }>(
    'SELECT category AS name, count(*)::int AS count FROM products GROUP BY category ORDER BY category',
  );
  return rows;
}

export async function getProduct(db: Queryable, id: number): Promise<Product | undefined> {
  const { rows } = await db.query<ProductRow>('SELECT * FROM products WHERE id = $1', [id]);
  return rows[0] ? toProduct(rows[0]) : undefined;
}

export interface NewProduct {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  category: string;
  stock: number;
  image?: string;
  featured?: boolean;
}

export async function createProduct(db: Queryable, product: NewProduct): Promise<Product | undefined> {
  const { rows } = await db.query<ProductRow>(
    `INSERT INTO products (sku, name, description, price_cents, category, stock, image, featured)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (sku) DO NOTHING RETURNING *`,
    [
      product.sku,
      product.name,
      product.description,
      product.priceCents,
      product.category,
      product.stock,
      product.image ?? 'placeholder.svg',
      product.featured ?? false,
    ],
  );
  return rows[0] ? toProduct(rows[0]) : undefined;
}

export type ProductChanges = Partial<Omit<NewProduct, 'sku'>>;

const COLUMN_OF: Record<keyof ProductChanges, string> = {
  name: 'name',
  description: 'description',
  priceCents: 'price_cents',
  category: 'category',
  stock: 'stock',
  image: 'image',
  featured: 'featured',
};

export async function updateProduct(db: Queryable, id: number, changes: ProductChanges): Promise<Product | undefined> {
  const sets: string[] = [];
  const params: unknown[] = [];
  for (const [key, value] of Object.entries(changes) as [keyof ProductChanges, unknown][]) {
    params.push(value);
    sets.push(`${COLUMN_OF[key]} = $${params.length}`);
  }
  params.push(id);
  const { rows } = await db.query<ProductRow>(
    `UPDATE products SET ${sets.join(', ')}, updated_at = now() WHERE id = $${params.length} RETURNING *`,
    params,
  );
  return rows[0] ? toProduct(rows[0]) : undefined;
}
