import { Price } from '../components/price.tsx';
import { CartLineRow } from '../components/cart-line-row.tsx';
import { LoadFailed, Loading } from '../components/request-status.tsx';
import { useCart } from '../cart-store.tsx';
import { Link } from '../navigation.tsx';
import { catalogPath, paths } from '../routes.ts';

export function CartPage() {
  const { cart, status, loadError, retry, pending, actionError } = useCart();

  return (
    <>
      <h1>Your cart</h1>
      {status === 'loading' && <Loading label="Loading your cart…" />}
      {status === 'error' && <LoadFailed what="Your cart" error={loadError} retry={retry} />}
      {status === 'ready' && cart && cart.items.length === 0 && (
        <div className="notice">
          <p>Your cart is empty.</p>
          <Link className="button button-primary" href={catalogPath()}>
            Browse the catalog
          </Link>
        </div>
      )}
      {status === 'ready' && cart && cart.items.length > 0 && (
        <>
          {actionError && !cart.items.some((line) => line.productId === actionError.productId) && (
            <p className="notice notice-error" role="alert">
              {actionError.message}
            </p>
          )}
          <ul className="cart-lines">
            {cart.items.map((line) => (
              <CartLineRow key={line.productId} line={line} currency={cart.currency} />
            ))}
          </ul>
          <div className="cart-summary">
            <p className="cart-subtotal">
              Subtotal ({cart.itemCount} item{cart.itemCount === 1 ? '' : 's'}):{' '}
              <Price cents={cart.subtotalCents} currency={cart.currency} className="price price-large" />
            </p>
            {pending.size > 0 ? (
              <span className="button button-primary" aria-disabled="true">
                Updating cart…
              </span>
            ) : (
              <Link className="button button-primary" href={paths.checkout()}>
                Check out
              </Link>
            )}
          </div>
        </>
      )}
    </>
  );
}
