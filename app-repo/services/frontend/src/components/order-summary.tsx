// The checkout's summary of the cart: a line per product (lines a stock conflict points at flagged) and the total.
import type { Cart, ProductId } from '../api/shop-types.ts';
import { Price } from './price.tsx';

export function OrderSummary({ cart, flagged }: { cart: Cart; flagged: ReadonlySet<ProductId> }) {
  return (
    <section className="checkout-summary" aria-labelledby="summary-heading">
      <h2 id="summary-heading">Order summary</h2>
      <ul>
        {cart.items.map((line) => (
          <li key={line.productId} className={flagged.has(line.productId) ? 'summary-line-problem' : undefined}>
            <span>
              {line.quantity} × {line.name}
            </span>
            <Price cents={line.lineTotalCents} currency={cart.currency} />
          </li>
        ))}
      </ul>
      <p className="checkout-total">
        <span>Total</span>
        <Price cents={cart.subtotalCents} currency={cart.currency} className="price price-large" />
      </p>
    </section>
  );
}
