import { useCallback } from 'react';
import { shopApi } from '../api/shop-api.ts';
import { ProductGrid } from '../components/product-card.tsx';
import { LoadFailed, Loading } from '../components/request-status.tsx';
import { Link } from '../navigation.tsx';
import { catalogPath } from '../routes.ts';
import { useRequest } from '../use-request.ts';

export function HomePage() {
  const featured = useRequest(useCallback((signal: AbortSignal) => shopApi.listProducts({ featured: true, pageSize: 8 }, signal), []));
  const categories = useRequest(useCallback((signal: AbortSignal) => shopApi.listCategories(signal), []));

  return (
    <>
      <section className="hero">
        <h1>Slipway Shop</h1>
        <p>Good things for people who ship. Browse the catalog, fill a cart, check out in seconds.</p>
        <Link className="button button-primary" href={catalogPath()}>
          Browse the catalog
        </Link>
      </section>

      <section aria-labelledby="featured-heading">
        <h2 id="featured-heading">Featured products</h2>
        {featured.status === 'loading' && <Loading label="Loading featured products…" />}
        {featured.status === 'error' && (
          <LoadFailed what="Featured products" error={featured.error} retry={featured.retry} headingLevel={3} />
        )}
        {featured.status === 'ready' &&
          (featured.data.items.length > 0 ? <ProductGrid products={featured.data.items} /> : <p>Nothing featured right now.</p>)}
      </section>

      <section aria-labelledby="categories-heading">
        <h2 id="categories-heading">Shop by category</h2>
        {categories.status === 'loading' && <Loading label="Loading categories…" />}
        {categories.status === 'error' && (
          <LoadFailed what="Categories" error={categories.error} retry={categories.retry} headingLevel={3} />
        )}
        {categories.status === 'ready' && (
          <ul className="category-list">
            {categories.data.items.map((category) => (
              <li key={category.name}>
                <Link href={catalogPath({ category: category.name })}>
                  {category.name} <span className="count">({category.count})</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
