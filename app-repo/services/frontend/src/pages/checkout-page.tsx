// Checkout: the customer's details beside the order summary. What a submit does (one order per
// attempt, the same Idempotency-Key for every retry of it, stock conflicts) is useCheckout's.
import { useRef } from 'react';
import type { FormEvent, Ref } from 'react';
import type { Customer } from '../api/shop-types.ts';
import { openShortages } from '../cart-lines.ts';
import { useCart } from '../cart-store.tsx';
import { OrderSummary } from '../components/order-summary.tsx';
import { LoadFailed, Loading } from '../components/request-status.tsx';
import { StockConflict } from '../components/stock-conflict.tsx';
import { Link, navigate } from '../navigation.tsx';
import { catalogPath, paths } from '../routes.ts';
import { useCheckout } from '../use-checkout.ts';

interface CustomerFieldProps {
  name: keyof Customer;
  label: string;
  type: string;
  autoComplete: string;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
  ref: Ref<HTMLInputElement>;
}

function CustomerField({ name, label, type, autoComplete, value, error, onChange, ref }: CustomerFieldProps) {
  return (
    <div className="field">
      <label htmlFor={`customer-${name}`}>{label}</label>
      <input
        id={`customer-${name}`}
        ref={ref}
        name={name}
        type={type}
        autoComplete={autoComplete}
        required
        value={value}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? `customer-${name}-error` : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {error && (
        <p id={`customer-${name}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

export function CheckoutPage() {
  const { cart, status, loadError, retry, pending } = useCart();
  const nameRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const checkout = useCheckout({
    onPlaced: (order) => navigate(paths.order(order.id, true)),
    onInvalid: (field) => (field === 'name' ? nameRef : emailRef).current?.focus(),
  });
  const { customer, changeCustomer, fieldErrors, submitting, failure, shortages } = checkout;

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

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void checkout.submit();
  };
  const flagged = new Set(openShortages(shortages, cart).flatMap((shortage) => (shortage.productId ? [shortage.productId] : [])));
  const field = (name: keyof Customer) => ({
    name,
    value: customer[name],
    error: fieldErrors[name],
    onChange: (value: string) => changeCustomer(name, value),
  });

  return (
    <>
      <h1>Checkout</h1>
      {failure?.kind === 'conflict' && <StockConflict shortages={shortages} cart={cart} detail={failure.message} />}
      {failure?.showsOnTop && (
        <div className="notice notice-error" role="alert">
          <h2>Your order could not be placed</h2>
          <p>{failure.message}</p>
          {failure.canRetry ? (
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
          <CustomerField {...field('name')} label="Full name" type="text" autoComplete="name" ref={nameRef} />
          <CustomerField {...field('email')} label="Email" type="email" autoComplete="email" ref={emailRef} />
          <button type="submit" className="button button-primary button-large" disabled={submitting || pending.size > 0}>
            {submitting ? 'Placing your order…' : failure?.canRetry ? 'Try again' : 'Place order'}
          </button>
        </form>
        <OrderSummary cart={cart} flagged={flagged} />
      </div>
    </>
  );
}
