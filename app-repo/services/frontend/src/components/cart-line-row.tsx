// One line of the cart: quantity stepper, typed quantity (saved on Enter or leaving the box), remove.
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { CartLine } from '../api/shop-types.ts';
import { MAX_QUANTITY, parseQuantity } from '../cart-lines.ts';
import { useCart } from '../cart-store.tsx';
import { Link } from '../navigation.tsx';
import { paths } from '../routes.ts';
import { Price } from './price.tsx';

export function CartLineRow({ line, currency, problem }: { line: CartLine; currency: string; problem?: string | undefined }) {
  const { setQuantity, remove, pending, actionError } = useCart();
  const busy = pending.has(line.productId);
  const [draft, setDraft] = useState<string>();
  const text = draft ?? String(line.quantity);
  const parsed = parseQuantity(text);
  const inputId = `quantity-${line.productId}`;
  const errorId = `${inputId}-error`;
  const failed = actionError?.productId === line.productId ? actionError.message : undefined;
  const message = problem ?? (parsed.ok ? failed : parsed.message);

  const save = async (quantity: number) => {
    setDraft(undefined);
    if (quantity !== line.quantity) await setQuantity(line.productId, quantity);
  };
  const commit = (event?: FormEvent) => {
    event?.preventDefault();
    if (draft === undefined) return;
    if (parsed.ok) void save(parsed.quantity);
  };

  return (
    <li className={`cart-line${problem ? ' cart-line-problem' : ''}`} aria-busy={busy}>
      <img src={line.imageUrl} alt={line.name} width={96} height={96} />
      <div className="cart-line-main">
        <h2 className="cart-line-name">
          <Link href={paths.product(line.productId)}>{line.name}</Link>
        </h2>
        <p className="cart-line-unit">
          <Price cents={line.unitPriceCents} currency={currency} /> each
        </p>
        {message && (
          <p id={errorId} className="field-error" role="alert">
            {message}
          </p>
        )}
      </div>
      <form className="cart-line-quantity" onSubmit={commit}>
        <label htmlFor={inputId}>Quantity of {line.name}</label>
        <div className="stepper">
          <button
            type="button"
            className="button stepper-button"
            aria-label={`Decrease quantity of ${line.name}`}
            disabled={busy || line.quantity <= 1}
            onClick={() => void save(line.quantity - 1)}
          >
            −
          </button>
          <input
            id={inputId}
            className="quantity-input"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_QUANTITY}
            value={text}
            aria-invalid={Boolean(message)}
            aria-describedby={message ? errorId : undefined}
            disabled={busy}
            onChange={(event) => setDraft(event.target.value)}
            onBlur={() => commit()}
          />
          <button
            type="button"
            className="button stepper-button"
            aria-label={`Increase quantity of ${line.name}`}
            disabled={busy || line.quantity >= MAX_QUANTITY}
            onClick={() => void save(line.quantity + 1)}
          >
            +
          </button>
        </div>
      </form>
      <p className="cart-line-total">
        <span className="visually-hidden">Line total </span>
        <Price cents={line.lineTotalCents} currency={currency} />
      </p>
      <button type="button" className="link-button cart-line-remove" disabled={busy} onClick={() => void remove(line.productId)}>
        Remove<span className="visually-hidden"> {line.name}</span>
      </button>
    </li>
  );
}
