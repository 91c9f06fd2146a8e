// Decisions about the cart that the pages share: quantities a shopper may ask for, the cart as it
// looks while a change is on its way, and which lines a stock conflict from checkout points at.
import type { Cart, CartLine, Problem, ProblemFieldError, ProductId } from './api/shop-types.ts';

export const MIN_QUANTITY = 1;
export const MAX_QUANTITY = 99;

export type QuantityInput = { ok: true; quantity: number } | { ok: false; message: string };

/** Reads what a shopper typed into a quantity box; `stock` caps it when known. */
export function parseQuantity(text: string, stock?: number): QuantityInput {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, message: 'Enter a whole number.' };
  const quantity = Number(trimmed);
  if (quantity < MIN_QUANTITY) return { ok: false, message: `Enter at least ${MIN_QUANTITY}.` };
  const max = stock === undefined ? MAX_QUANTITY : Math.min(stock, MAX_QUANTITY);
  if (quantity > max) {
    return {
      ok: false,
      message: stock !== undefined && stock < MAX_QUANTITY ? `Only ${stock} in stock.` : `At most ${MAX_QUANTITY} at a time.`,
    };
  }
  return { ok: true, quantity };
}

function totals(items: CartLine[]): Pick<Cart, 'itemCount' | 'subtotalCents'> {
  return {
    itemCount: items.reduce((sum, line) => sum + line.quantity, 0),
    subtotalCents: items.reduce((sum, line) => sum + line.lineTotalCents, 0),
  };
}

/** The cart with one line's quantity changed (0 removes it), totals recomputed: shown until the service answers. */
export function withQuantity(cart: Cart, productId: ProductId, quantity: number): Cart {
  const items = cart.items.flatMap((line) => {
    if (line.productId !== productId) return [line];
    if (quantity <= 0) return [];
    return [{ ...line, quantity, lineTotalCents: line.unitPriceCents * quantity }];
  });
  return { ...cart, items, ...totals(items) };
}

export interface StockShortage {
  /** The cart line the service pointed at, when it could be told. */
  productId: ProductId | undefined;
  name: string | undefined;
  message: string;
  /** How many are left, when the service said. */
  available: number | undefined;
  /** How many the cart asked for, when the service said. */
  requested: number | undefined;
}

function productIdOf(error: ProblemFieldError): ProductId | undefined {
  const value = error.productId;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function lineIndexOfField(field: string): number | undefined {
  const match = /(?:^|\.)(?:items|lines)\[(\d+)\]/.exec(field);
  return match ? Number(match[1]) : undefined;
}

function lineOfError(error: ProblemFieldError, cart: Cart | undefined): CartLine | undefined {
  if (!cart) return undefined;
  const productId = productIdOf(error);
  if (productId !== undefined) return cart.items.find((line) => line.productId === productId);
  const index = lineIndexOfField(error.field);
  return index === undefined ? undefined : cart.items[index];
}

function numberDetail(error: ProblemFieldError, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const value = error[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

/** One shortage in words: "only 1 left, you asked for 3" when the numbers are known, else the service's message. */
export function describeShortage(shortage: StockShortage): string {
  if (shortage.available === undefined) return shortage.message;
  if (shortage.available <= 0) return 'sold out';
  const left = `only ${shortage.available} left`;
  return shortage.requested === undefined ? left : `${left}, you asked for ${shortage.requested}`;
}

/**
 * The lines a 409 from checkout points at. The problem's `errors[]` carry `productId` or name a field
 * like `items[0].quantity`, and may say how many are left (`available` or `stock`).
 */
export function stockShortages(problem: Problem | undefined, cart: Cart | undefined): StockShortage[] {
  return (problem?.errors ?? []).map((error) => {
    const line = lineOfError(error, cart);
    const productId = line?.productId ?? productIdOf(error);
    return {
      productId,
      name: line?.name ?? (typeof error.name === 'string' ? error.name : undefined),
      message: error.message,
      available: numberDetail(error, 'available', 'stock'),
      requested: numberDetail(error, 'requested'),
    };
  });
}

/** The shortages that still apply to the cart as it is now (a line fixed or removed drops out). */
export function openShortages(shortages: StockShortage[], cart: Cart): StockShortage[] {
  return shortages.filter((shortage) => {
    if (!shortage.productId) return true;
    const line = cart.items.find((item) => item.productId === shortage.productId);
    if (!line) return false;
    return shortage.available === undefined || line.quantity > shortage.available;
  });
}

/** `cart` with the line for `productId` as it is in `source` (put back, or removed when `source` has none). */
export function withLineFrom(cart: Cart, source: Cart, productId: ProductId): Cart {
  const original = source.items.find((line) => line.productId === productId);
  const others = cart.items.filter((line) => line.productId !== productId);
  let items = others;
  if (original) {
    const position = source.items.indexOf(original);
    items = [...others.slice(0, position), original, ...others.slice(position)];
  }
  return { ...cart, items, ...totals(items) };
}
