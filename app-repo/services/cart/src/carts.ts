/**
 * Carts and their lines. A line keeps a snapshot of the product's name, image and price from
 * when it was first added, so the cart shows what the shopper agreed to.
 */
import type { Queryable } from '@slipway/service-kit';
import type { Cart } from '@slipway/shop-contract';

export const MAX_QUANTITY = 99;
export const CURRENCY = 'USD';

interface LineRow {
  product_id: number;
  name: string;
  image_url: string;
  unit_price_cents: number;
  quantity: number;
}

/** The cart's totals, derived from its lines. */
export function summariseCart(id: string, rows: readonly LineRow[]): Cart {
  const items = rows.map((r) => ({
    productId: r.product_id,
    name: r.name,
    imageUrl: r.image_url,
    unitPriceCents: r.unit_price_cents,
    quantity: r.quantity,
    lineTotalCents: r.unit_price_cents * r.quantity,
  }));
  return {
    id,
    items,
    itemCount: items.reduce((n, i) => n + i.quantity, 0),
    subtotalCents: items.reduce((n, i) => n + i.lineTotalCents, 0),
    currency: CURRENCY,
  };
}

export async function readCart(db: Queryable, cartId: string): Promise<Cart> {
  const { rows } = await db.query<LineRow>(
    'SELECT product_id, name, image_url, unit_price_cents, quantity FROM cart_items WHERE cart_id = $1 ORDER BY added_at, product_id',
    [cartId],
  );
  return summariseCart(cartId, rows);
}

export async function quantityInCart(db: Queryable, cartId: string, productId: number): Promise<number> {
  const { rows } = await db.query<{ quantity: number }>('SELECT quantity FROM cart_items WHERE cart_id = $1 AND product_id = $2', [
    cartId,
    productId,
  ]);
  return rows[0]?.quantity ?? 0;
}

export interface ProductSnapshot {
  id: number;
  name: string;
  imageUrl: string;
  priceCents: number;
}

/**
 * Adds `quantity` to the line, creating cart and line as needed. Returns false, changing nothing,
 * when the line would pass MAX_QUANTITY (checked in the same statement, so concurrent adds cannot).
 */
export async function addToCart(db: Queryable, cartId: string, product: ProductSnapshot, quantity: number): Promise<boolean> {
  await db.query('INSERT INTO carts (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET updated_at = now()', [cartId]);
  const result = await db.query(
    `INSERT INTO cart_items (cart_id, product_id, name, image_url, unit_price_cents, quantity)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = cart_items.quantity + EXCLUDED.quantity
     WHERE cart_items.quantity + EXCLUDED.quantity <= $7`,
    [cartId, product.id, product.name, product.imageUrl, product.priceCents, quantity, MAX_QUANTITY],
  );
  return result.rowCount > 0;
}

export async function setQuantity(db: Queryable, cartId: string, productId: number, quantity: number): Promise<boolean> {
  const result = await db.query('UPDATE cart_items SET quantity = $3 WHERE cart_id = $1 AND product_id = $2', [
    cartId,
    productId,
    quantity,
  ]);
  return result.rowCount > 0;
}

export async function removeFromCart(db: Queryable, cartId: string, productId: number): Promise<boolean> {
  const result = await db.query('DELETE FROM cart_items WHERE cart_id = $1 AND product_id = $2', [cartId, productId]);
  return result.rowCount > 0;
}

export async function clearCart(db: Queryable, cartId: string): Promise<void> {
  await db.query('DELETE FROM carts WHERE id = $1', [cartId]);
}
