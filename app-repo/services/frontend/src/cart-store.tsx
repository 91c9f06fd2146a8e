// The shopper's cart, shared by the header and the pages. The cart service is the truth: every change
// answers with the whole cart, which replaces ours; quantity changes show at once and are put back if
// the service refuses them.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { describeFailure } from './api/request-error.ts';
import { shopApi } from './api/shop-api.ts';
import type { Cart, ProductId } from './api/shop-types.ts';
import { withLineFrom, withQuantity } from './cart-lines.ts';

export interface CartActionError {
  productId: ProductId | undefined;
  message: string;
}

export interface CartStore {
  cart: Cart | undefined;
  status: 'loading' | 'ready' | 'error';
  loadError: unknown;
  /** Products with a change on its way to the cart service. */
  pending: ReadonlySet<ProductId>;
  actionError: CartActionError | undefined;
  retry: () => void;
  refresh: () => Promise<Cart | undefined>;
  add: (productId: ProductId, quantity: number) => Promise<boolean>;
  setQuantity: (productId: ProductId, quantity: number) => Promise<boolean>;
  remove: (productId: ProductId) => Promise<boolean>;
  dismissError: () => void;
}

const CartContext = createContext<CartStore | undefined>(undefined);

export function useCart(): CartStore {
  const store = useContext(CartContext);
  if (!store) throw new Error('useCart must be used inside <CartProvider>');
  return store;
}

export function CartProvider({ children }: { children: ReactNode }) {
  const [cart, setCart] = useState<Cart>();
  const [status, setStatus] = useState<CartStore['status']>('loading');
  const [loadError, setLoadError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);
  const [pending, setPending] = useState<ReadonlySet<ProductId>>(new Set());
  const [actionError, setActionError] = useState<CartActionError>();
  const cartRef = useRef<Cart | undefined>(undefined);

  const accept = useCallback((next: Cart) => {
    cartRef.current = next;
    setCart(next);
    setStatus('ready');
    setLoadError(undefined);
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    shopApi.getCart(controller.signal).then(
      (loaded) => {
        if (!controller.signal.aborted) accept(loaded);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setLoadError(error);
        setStatus(cartRef.current ? 'ready' : 'error');
      },
    );
    return () => controller.abort();
  }, [attempt, accept]);

  const retry = useCallback(() => {
    setStatus('loading');
    setAttempt((n) => n + 1);
  }, []);

  const refresh = useCallback(async () => {
    try {
      const loaded = await shopApi.getCart();
      accept(loaded);
      return loaded;
    } catch (error) {
      setLoadError(error);
      return undefined;
    }
  }, [accept]);

  const markPending = useCallback((productId: ProductId, on: boolean) => {
    setPending((current) => {
      const next = new Set(current);
      if (on) next.add(productId);
      else next.delete(productId);
      return next;
    });
  }, []);

  /** Runs one change; `preview` is shown until the answer comes, and put back on failure. */
  const change = useCallback(
    async (productId: ProductId, send: () => Promise<Cart>, preview?: (current: Cart) => Cart) => {
      const before = cartRef.current;
      setActionError(undefined);
      markPending(productId, true);
      if (preview && before) {
        cartRef.current = preview(before);
        setCart(cartRef.current);
      }
      try {
        accept(await send());
        return true;
      } catch (error) {
        if (preview && before && cartRef.current) {
          cartRef.current = withLineFrom(cartRef.current, before, productId);
          setCart(cartRef.current);
        }
        setActionError({ productId, message: describeFailure(error) });
        return false;
      } finally {
        markPending(productId, false);
      }
    },
    [accept, markPending],
  );

  const add = useCallback(
    (productId: ProductId, quantity: number) => change(productId, () => shopApi.addToCart(productId, quantity)),
    [change],
  );
  const setQuantity = useCallback(
    (productId: ProductId, quantity: number) =>
      change(productId, () => shopApi.setCartQuantity(productId, quantity), (current) => withQuantity(current, productId, quantity)),
    [change],
  );
  const remove = useCallback(
    (productId: ProductId) => change(productId, () => shopApi.removeFromCart(productId), (current) => withQuantity(current, productId, 0)),
    [change],
  );
  const dismissError = useCallback(() => setActionError(undefined), []);

  const store = useMemo<CartStore>(
    () => ({ cart, status, loadError, pending, actionError, retry, refresh, add, setQuantity, remove, dismissError }),
    [cart, status, loadError, pending, actionError, retry, refresh, add, setQuantity, remove, dismissError],
  );
  return <CartContext.Provider value={store}>{children}</CartContext.Provider>;
}
