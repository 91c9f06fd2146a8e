import { useCallback, useState } from 'react';
import { shopApi } from '../api/shop-api.ts';
import { AddToCart } from '../components/add-to-cart.tsx';
import { Price } from '../components/price.tsx';
import { LoadFailed, Loading } from '../components/request-status.tsx';
import { StockLabel } from '../components/stock-label.tsx';
import { parseQuantity } from '../cart-lines.ts';
import { Link } from '../navigation.tsx';
import { catalogPath } from '../routes.ts';
import { useRequest } from '../use-request.ts';

export function ProductPage({ productId }: { productId: string }) {
  const product = useRequest(useCallback((signal: AbortSignal) => shopApi.getProduct(productId, signal), [productId]));
  const [quantityText, setQuantityText] = useState('1');

  if (product.status === 'loading') return <Loading label="Loading product…" />;
  if (product.status === 'error') {
    return (
      <>
        <h1>Product</h1>
        <LoadFailed what="Product" error={product.error} retry={product.retry} />
        <p>
          <Link href={catalogPath()}>Back to the catalog</Link>
        </p>
      </>
    );
  }
  const item = product.data;
  const quantity = parseQuantity(quantityText, item.stock);

  return (
    <article className="product-detail">
      <p className="breadcrumbs">
        <Link href={catalogPath()}>Catalog</Link> › <Link href={catalogPath({ category: item.category })}>{item.category}</Link>
      </p>
      <div className="product-detail-layout">
        <img src={item.imageUrl} alt={item.name} width={400} height={400} />
        <div>
          <h1>{item.name}</h1>
          <p className="product-detail-price">
            <Price cents={item.priceCents} currency={item.currency} />
          </p>
          <p>
            <StockLabel stock={item.stock} />
          </p>
          <p>{item.description}</p>
          <p className="sku">SKU {item.sku}</p>
          {item.stock > 0 && (
            <div className="field">
              <label htmlFor="product-quantity">Quantity</label>
              <input
                id="product-quantity"
                className="quantity-input"
                type="number"
                inputMode="numeric"
                min={1}
                max={Math.min(item.stock, 99)}
                value={quantityText}
                aria-invalid={!quantity.ok}
                aria-describedby={quantity.ok ? undefined : 'product-quantity-error'}
                onChange={(event) => setQuantityText(event.target.value)}
              />
              {!quantity.ok && (
                <p id="product-quantity-error" className="field-error">
                  {quantity.message}
                </p>
              )}
            </div>
          )}
          <AddToCart product={item} quantity={quantity.ok ? quantity.quantity : 1} disabled={!quantity.ok} />
        </div>
      </div>
    </article>
  );
}
