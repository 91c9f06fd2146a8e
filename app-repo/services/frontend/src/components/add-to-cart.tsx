// A button that puts a product into the cart and says, politely, whether it worked.
import { useState } from 'react';
import type { Product } from '../api/shop-types.ts';
import { useCart } from '../cart-store.tsx';
import { Link } from '../navigation.tsx';
import { paths } from '../routes.ts';

export function AddToCart({ product, quantity = 1, disabled = false }: { product: Product; quantity?: number; disabled?: boolean }) {
  const { add, pending, actionError } = useCart();
  const [added, setAdded] = useState(false);
  const busy = pending.has(product.id);
  const soldOut = product.stock <= 0;
  const failed = actionError?.productId === product.id ? actionError.message : undefined;
  const label = soldOut ? 'Sold out' : busy ? 'Adding…' : 'Add to cart';

  const handleClick = async () => {
    setAdded(false);
    if (await add(product.id, quantity)) setAdded(true);
  };

  return (
    <div className="add-to-cart">
      <button type="button" className="button button-primary" onClick={handleClick} disabled={soldOut || busy || disabled}>
        {/* Named after its product for screen readers, starting with the words it shows (WCAG 2.5.3 label in name). */}
        <span aria-hidden="true">{label}</span>
        <span className="visually-hidden">{`${label}: ${product.name}`}</span>
      </button>
      <span className="add-to-cart-status" role="status">
        {added && !busy && (
          <>
            Added. <Link href={paths.cart()}>View cart</Link>
          </>
        )}
      </span>
      {failed && (
        <p className="field-error" role="alert">
          {failed}
        </p>
      )}
    </div>
  );
}
