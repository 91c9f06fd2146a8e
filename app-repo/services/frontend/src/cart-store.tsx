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

/** The cart as the service last answered (or as a change shows it meanwhile), loaded on mount and on retry. */
function useLoadedCart() {
  const [cart, setCart] = useState<Cart>();
  const [status, setStatus] = useState<CartStore['status']>('loading');
  const [loadError, setLoadError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);
  // What a change starts from and puts back: the latest cart without waiting for a render.
  const cartRef = useRef<Cart | undefined>(undefined);

  /** Shows `next`, without saying whether the service has it yet. */
  const show = useCallback((next: Cart) => {
    cartRef.current = next;
    setCart(next);
  }, []);

  /** Takes the cart the service answered with. */
  const accept = useCallback(
    (next: Cart) => {
      show(next);
      setStatus('ready');
      setLoadError(undefined);
    },
    [show],
  );

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

  return { cart, status, loadError, cartRef, show, accept, retry, refresh };
}

/** The products with a change on its way to the cart service. */
function usePendingProducts() {
  const [pending, setPending] = useState<ReadonlySet<ProductId>>(new Set());
  const markPending = useCallback((productId: ProductId, on: boolean) => {
    setPending((current) => {
      const next = new Set(current);
      if (on) next.add(productId);
      else next.delete(productId);
      return next;
    });
  }, []);
  return { pending, markPending };
}

type LoadedCart = ReturnType<typeof useLoadedCart>;

/** The shopper's changes: each one shown at once where it can be, and put back if the service refuses it. */
function useCartChanges(
  { cartRef, show, accept }: Pick<LoadedCart, 'cartRef' | 'show' | 'accept'>,
  markPending: (productId: ProductId, on: boolean) => void,
) {
  const [actionError, setActionError] = useState<CartActionError>();

  /** Runs one change; `preview` is shown until the answer comes, and put back on failure. */
  const change = useCallback(
    async (productId: ProductId, send: () => Promise<Cart>, preview?: (current: Cart) => Cart) => {
      const before = cartRef.current;
      setActionError(undefined);
      markPending(productId, true);
      if (preview && before) show(preview(before));
      try {
        accept(await send());
        return true;
      } catch (error) {
        if (preview && before && cartRef.current) show(withLineFrom(cartRef.current, before, productId));
        setActionError({ productId, message: describeFailure(error) });
        return false;
      } finally {
        markPending(productId, false);
      }
    },
    [cartRef, show, accept, markPending],
  );

  const add = useCallback(
    (productId: ProductId, quantity: number) => change(productId, () => shopApi.addToCart(productId, quantity)),
    [change],
  );
  const setQuantity = useCallback(
    (productId: ProductId, quantity: number) =>
      change(
        productId,
        () => shopApi.setCartQuantity(productId, quantity),
        (current) => withQuantity(current, productId, quantity),
      ),
    [change],
  );
  const remove = useCallback(
    (productId: ProductId) =>
      change(
        productId,
        () => shopApi.removeFromCart(productId),
        (current) => withQuantity(current, productId, 0),
      ),
    [change],
  );
  const dismissError = useCallback(() => setActionError(undefined), []);
  return { actionError, add, setQuantity, remove, dismissError };
}

export function CartProvider({ children }: { children: ReactNode }) {
  const { cart, status, loadError, cartRef, show, accept, retry, refresh } = useLoadedCart();
  const { pending, markPending } = usePendingProducts();
  const { actionError, add, setQuantity, remove, dismissError } = useCartChanges({ cartRef, show, accept }, markPending);

  const store = useMemo<CartStore>(
    () => ({ cart, status, loadError, pending, actionError, retry, refresh, add, setQuantity, remove, dismissError }),
    [cart, status, loadError, pending, actionError, retry, refresh, add, setQuantity, remove, dismissError],
  );
  return <CartContext.Provider value={store}>{children}</CartContext.Provider>;
}
