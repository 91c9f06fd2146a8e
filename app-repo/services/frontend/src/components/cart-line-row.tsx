// One line of the cart: quantity stepper, typed quantity (saved on Enter or leaving the box), remove.
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { CartLine } from '../api/shop-types.ts';
import { MAX_QUANTITY, parseQuantity } from '../cart-lines.ts';
import { useCart } from '../cart-store.tsx';
import { Link } from '../navigation.tsx';
import { paths } from '../routes.ts';
import { Price } from './price.tsx';

interface QuantityStepperProps {
  line: CartLine;
  /** What the box shows: the typed text, or the line's quantity. */
  text: string;
  busy: boolean;
  inputId: string;
  /** The id of the message about this line, when there is one. */
  describedBy: string | undefined;
  onType: (text: string) => void;
  /** Saves what was typed (Enter, or leaving the box). */
  onCommit: (event?: FormEvent) => void;
  onStep: (quantity: number) => void;
}

/** − [quantity] +: a step saves at once; a typed quantity on Enter or when the box loses focus. */
function QuantityStepper({ line, text, busy, inputId, describedBy, onType, onCommit, onStep }: QuantityStepperProps) {
  return (
    <form className="cart-line-quantity" onSubmit={onCommit}>
      <label htmlFor={inputId}>Quantity of {line.name}</label>
      <div className="stepper">
        <button
          type="button"
          className="button stepper-button"
          aria-label={`Decrease quantity of ${line.name}`}
          disabled={busy || line.quantity <= 1}
          onClick={() => onStep(line.quantity - 1)}
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
          aria-invalid={describedBy !== undefined}
          aria-describedby={describedBy}
          disabled={busy}
          onChange={(event) => onType(event.target.value)}
          onBlur={() => onCommit()}
        />
        <button
          type="button"
          className="button stepper-button"
          aria-label={`Increase quantity of ${line.name}`}
          disabled={busy || line.quantity >= MAX_QUANTITY}
          onClick={() => onStep(line.quantity + 1)}
        >
          +
        </button>
      </div>
    </form>
  );
}

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
      <QuantityStepper
        line={line}
        text={text}
        busy={busy}
        inputId={inputId}
        describedBy={message ? errorId : undefined}
        onType={setDraft}
        onCommit={commit}
        onStep={(quantity) => void save(quantity)}
      />
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
