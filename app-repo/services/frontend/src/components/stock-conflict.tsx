// What checkout shows when the order service refused for stock: the short lines, each with a way to
// fix it (fewer, or remove), and word once the cart no longer asks for more than there is.
import { useEffect, useRef } from 'react';
import type { Cart } from '../api/shop-types.ts';
import { describeShortage, openShortages } from '../cart-lines.ts';
import type { StockShortage } from '../cart-lines.ts';
import { useCart } from '../cart-store.tsx';
import { Link } from '../navigation.tsx';
import { paths } from '../routes.ts';

export function StockConflict({ shortages, cart, detail }: { shortages: StockShortage[]; cart: Cart; detail: string }) {
  const { setQuantity, remove, pending } = useCart();
  const open = openShortages(shortages, cart);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  return (
    <div className="notice notice-error" role="alert" aria-labelledby="conflict-heading">
      <h2 id="conflict-heading" ref={headingRef} tabIndex={-1}>
        Some items are no longer available
      </h2>
      <p>
        <strong>Your order was not placed.</strong>{' '}
        {shortages.length > 0 ? 'Change the items below or your cart, then place the order again.' : detail}
      </p>
      {open.length === 0 && shortages.length > 0 ? (
        <p>Your cart is updated — you can place the order now.</p>
      ) : (
        <ul className="conflict-list">
          {open.map((shortage, index) => (
            <li key={shortage.productId ?? index}>
              <strong>{shortage.name ?? 'An item'}</strong>: {describeShortage(shortage)}
              {shortage.productId && (
                <span className="conflict-actions">
                  {shortage.available !== undefined && shortage.available > 0 && (
                    <button
                      type="button"
                      className="button"
                      disabled={pending.has(shortage.productId)}
                      onClick={() => void setQuantity(shortage.productId as number, shortage.available as number)}
                    >
                      Change to {shortage.available}
                    </button>
                  )}
                  <button
                    type="button"
                    className="button"
                    disabled={pending.has(shortage.productId)}
                    onClick={() => void remove(shortage.productId as number)}
                  >
                    Remove {shortage.name ?? 'it'}
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link href={paths.cart()}>Review your cart</Link>
      </p>
    </div>
  );
}
