// Checkout's submit logic: one order per attempt. A submit while an order is on its way does
// nothing, every retry of the same attempt carries the same Idempotency-Key (so a double click or a
// retry after a lost answer cannot place two orders), and a stock conflict lists the short lines.
import { useCallback, useRef, useState } from 'react';
import { RequestError } from './api/request-error.ts';
import { shopApi } from './api/shop-api.ts';
import type { Customer, Order } from './api/shop-types.ts';
import { stockShortages } from './cart-lines.ts';
import type { StockShortage } from './cart-lines.ts';
import { useCart } from './cart-store.tsx';
import {
  attemptAfterFailure,
  attemptFor,
  checkoutFailureOf,
  checkoutFingerprint,
  isStillRunning,
  newIdempotencyKey,
} from './checkout-attempt.ts';
import type { CheckoutAttempt, CheckoutFailure } from './checkout-attempt.ts';
import { customerErrorsOfProblem, validateCustomer } from './customer-form.ts';
import type { CustomerErrors } from './customer-form.ts';

const STILL_RUNNING_RETRY_MS = 500;
const STILL_RUNNING_RETRIES = 20;

/** Places the order; while the service says a request with this key is still running, asks again with the same key. */
async function placeOrderWithKey(customer: Customer, key: string): Promise<Order> {
  for (let retries = 0; ; retries++) {
    try {
      return await shopApi.placeOrder(customer, key);
    } catch (error) {
      if (!(error instanceof RequestError && isStillRunning(error.problem)) || retries >= STILL_RUNNING_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, STILL_RUNNING_RETRY_MS));
    }
  }
}

/** The first field to fix, in the form's order. */
function firstInvalidField(errors: CustomerErrors): keyof Customer | undefined {
  if (errors.name) return 'name';
  if (errors.email) return 'email';
  return undefined;
}

export interface CheckoutOptions {
  /** The order is placed and the cart refreshed (now empty): show the confirmation. */
  onPlaced: (order: Order) => void;
  /** The details were not sent: `field` is the first to fix. */
  onInvalid: (field: keyof Customer) => void;
}

export interface Checkout {
  customer: Customer;
  changeCustomer: (field: keyof Customer, value: string) => void;
  /** Beside each field: the form's own checks, or what the order service refused. */
  fieldErrors: CustomerErrors;
  /** An order is on its way. */
  submitting: boolean;
  /** Why the last submit placed no order (cleared by the next one). */
  failure: CheckoutFailure | undefined;
  /** The lines the last stock conflict pointed at. */
  shortages: StockShortage[];
  /** Checks the details and places the order, at most one at a time. */
  submit: () => Promise<void>;
}

export function useCheckout({ onPlaced, onInvalid }: CheckoutOptions): Checkout {
  const { cart, refresh } = useCart();
  const [customer, setCustomer] = useState<Customer>({ name: '', email: '' });
  const [fieldErrors, setFieldErrors] = useState<CustomerErrors>({});
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<CheckoutFailure>();
  const [shortages, setShortages] = useState<StockShortage[]>([]);
  // Refs, not state: a second submit in the same frame must see the first one at once.
  const inFlight = useRef(false);
  const attempt = useRef<CheckoutAttempt | undefined>(undefined);

  const changeCustomer = useCallback(
    (field: keyof Customer, value: string) => setCustomer((previous) => ({ ...previous, [field]: value })),
    [],
  );

  const submit = async () => {
    if (inFlight.current || !cart) return;
    const errors = validateCustomer(customer);
    setFieldErrors(errors);
    const invalid = firstInvalidField(errors);
    if (invalid) {
      onInvalid(invalid);
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
      onPlaced(order);
    } catch (error) {
      const failed = checkoutFailureOf(error);
      attempt.current = attemptAfterFailure(current, failed.kind);
      setFailure(failed);
      if (failed.kind === 'conflict') {
        setShortages(stockShortages(failed.problem, cart));
        // The cart may have changed underneath (prices, names): show the service's view of it.
        void refresh();
      }
      if (failed.kind === 'invalid') setFieldErrors(customerErrorsOfProblem(failed.problem));
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  return { customer, changeCustomer, fieldErrors, submitting, failure, shortages, submit };
}
