import type { Product } from '../api/shop-types.ts';
import { Link } from '../navigation.tsx';
import { paths } from '../routes.ts';
import { AddToCart } from './add-to-cart.tsx';
import { Price } from './price.tsx';
import { StockLabel } from './stock-label.tsx';

export function ProductCard({ product, headingLevel = 3 }: { product: Product; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <article className="product-card" aria-labelledby={`product-${product.id}`}>
      <img src={product.imageUrl} alt={product.name} width={400} height={400} loading="lazy" />
      <div className="product-card-body">
        <Heading id={`product-${product.id}`} className="product-card-title">
          <Link href={paths.product(product.id)}>{product.name}</Link>
        </Heading>
        <p className="product-card-meta">
          <Price cents={product.priceCents} currency={product.currency} />
          <StockLabel stock={product.stock} />
        </p>
        <AddToCart product={product} />
      </div>
    </article>
  );
}

export function ProductGrid({ products, headingLevel }: { products: Product[]; headingLevel?: 2 | 3 }) {
  return (
    <ul className="product-grid">
      {products.map((product) => (
        <li key={product.id}>
          <ProductCard product={product} {...(headingLevel ? { headingLevel } : {})} />
        </li>
      ))}
    </ul>
  );
}
