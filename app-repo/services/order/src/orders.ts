/** Orders and their lines: recording one, and reading them back. */
import type { Queryable } from '@slipway/service-kit';
import type { Order } from '@slipway/shop-contract';

export interface CartLineInput {
  productId: number;
  name: string;
  unitPriceCents: number;
  quantity: number;
}

/** Builds the order from the cart's lines: the prices are the cart's snapshot, totals derived. */
export function composeOrder(
  id: string,
  cartId: string,
  customer: { name: string; email: string },
  lines: readonly CartLineInput[],
  currency: string,
  now: Date,
): Order {
  const orderLines = lines.map((l) => ({
    productId: l.productId,
    name: l.name,
    unitPriceCents: l.unitPriceCents,
    quantity: l.quantity,
    lineTotalCents: l.unitPriceCents * l.quantity,
  }));
  const subtotalCents = orderLines.reduce((n, l) => n + l.lineTotalCents, 0);
  return {
    id,
    cartId,
    customerId: customer.email.trim().toLowerCase(),
    customer: { name: customer.name.trim(), email: customer.email.trim() },
    status: 'confirmed',
    lines: orderLines,
    itemCount: orderLines.reduce((n, l) => n + l.quantity, 0),
    subtotalCents,
    totalCents: subtotalCents,
    currency,
    createdAt: now.toISOString(),
  };
}

export async function insertOrder(tx: Queryable, order: Order): Promise<void> {
  await tx.query(
    `INSERT INTO orders (id, cart_id, customer_id, customer_name, customer_email, status, subtotal_cents, total_cents, currency, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      order.id,
      order.cartId,
      order.customerId,
      order.customer.name,
      order.customer.email,
      order.status,
      order.subtotalCents,
      order.totalCents,
      order.currency,
      order.createdAt,
    ],
  );
  for (const line of order.lines) {
    await tx.query(
      'INSERT INTO order_lines (order_id, product_id, name, unit_price_cents, quantity, line_total_cents) VALUES ($1, $2, $3, $4, $5, $6)',
      [order.id, line.productId, line.name, line.unitPriceCents, line.quantity, line.lineTotalCents],
    );
  }
}

interface OrderRow {
  id: string;
  cart_id: string;
  customer_id: string;
  customer_name: string;
  customer_email: string;
  status: 'confirmed';
  subtotal_cents: number;
  total_cents: number;
  currency: string;
  created_at: Date | string;
}

interface LineRow {
  order_id: string;
  product_id: number;
  name: string;
  unit_price_cents: number;
  quantity: number;
  line_total_cents: number;
}

async function withLines(db: Queryable, rows: OrderRow[]): Promise<Order[]> {
  if (rows.length === 0) return [];
  const { rows: lines } = await db.query<LineRow>('SELECT * FROM order_lines WHERE order_id = ANY($1::uuid[]) ORDER BY product_id', [
    rows.map((r) => r.id),
  ]);
  return rows.map((r) => {
    const own = lines
      .filter((l) => l.order_id === r.id)
      .map((l) => ({
        productId: l.product_id,
        name: l.name,
        unitPriceCents: l.unit_price_cents,
        quantity: l.quantity,
        lineTotalCents: l.line_total_cents,
      }));
    return {
      id: r.id,
      cartId: r.cart_id,
      customerId: r.customer_id,
      customer: { name: r.customer_name, email: r.customer_email },
      status: r.status,
      lines: own,
      itemCount: own.reduce((n, l) => n + l.quantity, 0),
      subtotalCents: r.subtotal_cents,
      totalCents: r.total_cents,
      currency: r.currency,
      createdAt: new Date(r.created_at).toISOString(),
    };
  });
}

export async function getOrder(db: Queryable, id: string): Promise<Order | undefined> {
  const { rows } = await db.query<OrderRow>('SELECT * FROM orders WHERE id = $1', [id]);
  return (await withLines(db, rows))[0];
}

export async function listOrders(db: Queryable, filter: { cartId?: string; customerId?: string }, limit = 50): Promise<Order[]> {
  const [column, value] = filter.cartId ? ['cart_id', filter.cartId] : ['customer_id', filter.customerId?.toLowerCase()];
  const { rows } = await db.query<OrderRow>(`SELECT * FROM orders WHERE ${column} = $1 ORDER BY created_at DESC LIMIT $2`, [value, limit]);
  return withLines(db, rows);
}
