// Checkout: one order per attempt. The button is locked while an order is on its way, and every
// retry of the same attempt carries the same Idempotency-Key, so a double click or a retry after a
// timeout cannot place two orders.
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { RequestError, describeFailure } from '../api/request-error.ts';
import { shopApi } from '../api/shop-api.ts';
import type { Cart, Customer, ProductId } from '../api/shop-types.ts';
import { describeShortage, stockShortages } from '../cart-lines.ts';
import type { StockShortage } from '../cart-lines.ts';
import { useCart } from '../cart-store.tsx';
import { attemptAfterFailure, attemptFor, checkoutFingerprint, isStillRunning, newIdempotencyKey } from '../checkout-attempt.ts';
import type { CheckoutAttempt } from '../checkout-attempt.ts';
import { Price } from '../components/price.tsx';
import { LoadFailed, Loading } from '../components/request-status.tsx';
import { customerErrorsOfProblem, validateCustomer } from '../customer-form.ts';
import type { CustomerErrors } from '../customer-form.ts';
import { Link, navigate } from '../navigation.tsx';
import { catalogPath, paths } from '../routes.ts';

const STILL_RUNNING_RETRY_MS = 500;
const STILL_RUNNING_RETRIES = 20;

/** Places the order; while the service says a request with this key is still running, asks again with the same key. */
async function placeOrderWithKey(customer: Customer, key: string) {
  for (let retries = 0; ; retries++) {
    try {
      return await shopApi.placeOrder(customer, key);
    } catch (error) {
      if (!(error instanceof RequestError && isStillRunning(error.problem)) || retries >= STILL_RUNNING_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, STILL_RUNNING_RETRY_MS));
    }
  }
}

/** The shortages that still apply to the cart as it is now (a line fixed or removed drops out). */
function openShortages(shortages: StockShortage[], cart: Cart): StockShortage[] {
  return shortages.filter((shortage) => {
    if (!shortage.productId) return true;
    const line = cart.items.find((item) => item.productId === shortage.productId);
    if (!line) return false;
    return shortage.available === undefined || line.quantity > shortage.available;
  });
}

function StockConflict({ shortages, cart, detail }: { shortages: StockShortage[]; cart: Cart; detail: string }) {
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

function OrderSummary({ cart, flagged }: { cart: Cart; flagged: ReadonlySet<ProductId> }) {
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

export function CheckoutPage() {
  const { cart, status, loadError, retry, refresh, pending } = useCart();
  const [customer, setCustomer] = useState<Customer>({ name: '', email: '' });
  const [fieldErrors, setFieldErrors] = useState<CustomerErrors>({});
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<RequestError | Error>();
  const [shortages, setShortages] = useState<StockShortage[]>([]);
  // Refs, not state: a second click in the same frame must see the first one at once.
  const inFlight = useRef(false);
  const attempt = useRef<CheckoutAttempt | undefined>(undefined);
  const nameRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  if (status === 'loading' || status === 'error' || !cart) {
    return (
      <>
        <h1>Checkout</h1>
        {status === 'loading' ? <Loading label="Loading your cart…" /> : <LoadFailed what="Your cart" error={loadError} retry={retry} />}
      </>
    );
  }

  if (cart.items.length === 0) {
    return (
      <>
        <h1>Checkout</h1>
        <div className="notice">
          <p>Your cart is empty, so there is nothing to check out.</p>
          <Link className="button button-primary" href={catalogPath()}>
            Browse the catalog
          </Link>
        </div>
      </>
    );
  }

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (inFlight.current) return;
    const errors = validateCustomer(customer);
    setFieldErrors(errors);
    if (errors.name || errors.email) {
      (errors.name ? nameRef : emailRef).current?.focus();
      return;
    }
    inFlight.current = true;
    setSubmitting(true);
    setFailure(undefined);
    const current = attemptFor(attempt.current, checkoutFingerprint(customer, cart), newIdempotencyKey);
    attempt.current = current;
    try {
      const order = await placeOrderWithKey({ name: customer.name.trim(), email: customer.email.trim() }, current.key);
      attempt.current = undefined;
      setShortages([]);
      await refresh();
      navigate(paths.order(order.id, true));
    } catch (error) {
      const failed = error instanceof Error ? error : new Error(String(error));
      const problem = failed instanceof RequestError ? failed.problem : undefined;
      // Still running after all the retries: the outcome is unknown, so keep the key like for a timeout.
      const kind = failed instanceof RequestError ? (isStillRunning(problem) ? 'server' : failed.failure) : undefined;
      attempt.current = attemptAfterFailure(current, kind);
      setFailure(failed);
      if (kind === 'conflict') {
        setShortages(stockShortages(problem, cart));
        // The cart may have changed underneath (prices, names): show the service's view of it.
        void refresh();
      }
      if (kind === 'invalid') setFieldErrors(customerErrorsOfProblem(problem));
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  const failureProblem = failure instanceof RequestError ? failure.problem : undefined;
  const kind = failure instanceof RequestError ? (isStillRunning(failureProblem) ? 'server' : failure.failure) : undefined;
  // A refusal that names the customer's fields is shown beside them; any other is shown on top.
  const customerFieldErrors = customerErrorsOfProblem(failureProblem);
  const showsOnTop = failure !== undefined && kind !== 'conflict' && !(kind === 'invalid' && (customerFieldErrors.name || customerFieldErrors.email));
  const canRetry = kind === 'unavailable' || kind === 'server' || kind === undefined;
  const flagged = new Set(openShortages(shortages, cart).flatMap((shortage) => (shortage.productId ? [shortage.productId] : [])));
  const field = (name: keyof Customer, label: string, type: string, autoComplete: string, ref: typeof nameRef) => (
    <div className="field">
      <label htmlFor={`customer-${name}`}>{label}</label>
      <input
        id={`customer-${name}`}
        ref={ref}
        name={name}
        type={type}
        autoComplete={autoComplete}
        required
        value={customer[name]}
        aria-invalid={Boolean(fieldErrors[name])}
        aria-describedby={fieldErrors[name] ? `customer-${name}-error` : undefined}
        onChange={(event) => setCustomer((previous) => ({ ...previous, [name]: event.target.value }))}
      />
      {fieldErrors[name] && (
        <p id={`customer-${name}-error`} className="field-error">
          {fieldErrors[name]}
        </p>
      )}
    </div>
  );

  return (
    <>
      <h1>Checkout</h1>
      {kind === 'conflict' && failure && <StockConflict shortages={shortages} cart={cart} detail={describeFailure(failure)} />}
      {showsOnTop && (
        <div className="notice notice-error" role="alert">
          <h2>Your order could not be placed</h2>
          <p>{describeFailure(failure)}</p>
          {canRetry ? (
            <p>Trying again is safe: if the first try got through, you will still get just one order.</p>
          ) : (
            <p>
              <Link href={paths.cart()}>Review your cart</Link>
            </p>
          )}
        </div>
      )}
      <div className="checkout-layout">
        <form className="checkout-form" onSubmit={submit} noValidate aria-busy={submitting}>
          <h2>Your details</h2>
          {field('name', 'Full name', 'text', 'name', nameRef)}
          {field('email', 'Email', 'email', 'email', emailRef)}
          <button type="submit" className="button button-primary button-large" disabled={submitting || pending.size > 0}>
            {submitting ? 'Placing your order…' : failure && canRetry ? 'Try again' : 'Place order'}
          </button>
        </form>
        <OrderSummary cart={cart} flagged={flagged} />
      </div>
    </>
  );
}
