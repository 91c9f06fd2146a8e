/**
 * Stock reservations: all lines of an order are taken from stock in one transaction, or none.
 * `UPDATE … WHERE stock >= quantity` makes each decrement atomic, so concurrent checkouts can
 * never oversell; a reservation id makes a repeated request (a retry) take stock only once.
 */
import type { Database, FieldError, Queryable } from '@slipway/service-kit';
import { conflict, unprocessable } from '@slipway/service-kit';

export interface ReservationLine {
  productId: number;
  quantity: number;
}

export interface Reservation {
  reservationId: string;
  items: { productId: number; quantity: number; remaining: number }[];
}

/** Merges repeated product ids and orders lines by id, so concurrent reservations lock rows in one order. */
export function normaliseLines(lines: readonly ReservationLine[]): ReservationLine[] {
  const merged = new Map<number, number>();
  for (const line of lines) merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity);
  return [...merged].sort(([a], [b]) => a - b).map(([productId, quantity]) => ({ productId, quantity }));
}

async function existingReservation(tx: Queryable, reservationId: string): Promise<Reservation> {
  const { rows } = await tx.query<{ product_id: number; quantity: number; stock: number }>(
    `SELECT ri.product_id, ri.quantity, p.stock FROM reservation_items ri JOIN products p ON p.id = ri.product_id
     WHERE ri.reservation_id = $1 ORDER BY ri.product_id`,
    [reservationId],
  );
  return { reservationId, items: rows.map((r) => ({ productId: r.product_id, quantity: r.quantity, remaining: r.stock })) };
}

export async function reserveStock(
  db: Database,
  reservationId: string,
  lines: readonly ReservationLine[],
): Promise<{ created: boolean; reservation: Reservation }> {
  const wanted = normaliseLines(lines);
  return db.transaction(async (tx) => {
    const inserted = await tx.query('INSERT INTO reservations (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id', [reservationId]);
    if (inserted.rowCount === 0) return { created: false, reservation: await existingReservation(tx, reservationId) };

    const items: Reservation['items'] = [];
    const shortages: FieldError[] = [];
    const unknown: FieldError[] = [];
    for (const line of wanted) {
      // Findings name the caller's own line, not the merged one.
      const index = lines.findIndex((l) => l.productId === line.productId);
      const taken = await tx.query<{ stock: number }>(
        'UPDATE products SET stock = stock - $2, updated_at = now() WHERE id = $1 AND stock >= $2 RETURNING stock',
        [line.productId, line.quantity],
      );
      if (taken.rows[0]) {
        items.push({ ...line, remaining: taken.rows[0].stock });
        continue;
      }
      const current = await tx.query<{ stock: number; name: string }>('SELECT stock, name FROM products WHERE id = $1', [line.productId]);
      const product = current.rows[0];
      if (!product) {
        unknown.push({
          field: `items[${index}].productId`,
          message: `product ${line.productId} does not exist`,
          productId: line.productId,
        });
      } else {
        shortages.push({
          field: `items[${index}].quantity`,
          message: `only ${product.stock} of ${product.name} left, ${line.quantity} wanted`,
          productId: line.productId,
          name: product.name,
          available: product.stock,
          requested: line.quantity,
        });
      }
    }
    // Throwing rolls back every decrement made above: all lines or none.
    if (unknown.length) throw unprocessable('The reservation names products that do not exist.', unknown);
    if (shortages.length)
      throw conflict('insufficient-stock', 'Insufficient stock', 'Not enough stock for every line; nothing was reserved.', shortages);
    for (const item of items) {
      await tx.query('INSERT INTO reservation_items (reservation_id, product_id, quantity) VALUES ($1, $2, $3)', [
        reservationId,
        item.productId,
        item.quantity,
      ]);
    }
    return { created: true, reservation: { reservationId, items } };
  });
}

/** Puts a reservation's stock back, once; releasing an unknown or released reservation does nothing. */
export async function releaseStock(db: Database, reservationId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const released = await tx.query('UPDATE reservations SET released_at = now() WHERE id = $1 AND released_at IS NULL RETURNING id', [
      reservationId,
    ]);
    if (released.rowCount === 0) return false;
    await tx.query(
      `UPDATE products p SET stock = p.stock + ri.quantity, updated_at = now()
       FROM reservation_items ri WHERE ri.reservation_id = $1 AND ri.product_id = p.id`,
      [reservationId],
    );
    return true;
  });
}
