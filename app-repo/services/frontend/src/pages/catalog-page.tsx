import { useCallback, useState } from 'react';
import type { FormEvent } from 'react';
import { shopApi } from '../api/shop-api.ts';
import { Pagination } from '../components/pagination.tsx';
import { ProductGrid } from '../components/product-card.tsx';
import { LoadFailed, Loading } from '../components/request-status.tsx';
import { Link, navigate, useLocation } from '../navigation.tsx';
import { catalogPath, catalogQueryOf } from '../routes.ts';
import { useRequest } from '../use-request.ts';

export const CATALOG_PAGE_SIZE = 12;

function SearchForm({ q, category }: { q: string; category: string }) {
  // Keyed by the URL's query in the parent, so the box follows back/forward navigation.
  const [text, setText] = useState(q);
  const categories = useRequest(useCallback((signal: AbortSignal) => shopApi.listCategories(signal), []));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    navigate(catalogPath({ q: text.trim(), category }));
  };

  return (
    <form className="catalog-filters" role="search" onSubmit={submit}>
      <div className="field">
        <label htmlFor="catalog-search">Search products</label>
        <div className="field-row">
          <input id="catalog-search" type="search" name="q" value={text} onChange={(event) => setText(event.target.value)} />
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </div>
      <div className="field">
        <label htmlFor="catalog-category">Category</label>
        <select
          id="catalog-category"
          name="category"
          value={category}
          disabled={categories.status !== 'ready'}
          onChange={(event) => navigate(catalogPath({ q: text.trim(), category: event.target.value }))}
        >
          <option value="">All categories</option>
          {categories.status === 'ready' &&
            categories.data.items.map((item) => (
              <option key={item.name} value={item.name}>
                {item.name} ({item.count})
              </option>
            ))}
        </select>
        {categories.status === 'error' && (
          <button type="button" className="link-button" onClick={categories.retry}>
            Categories did not load — try again
          </button>
        )}
      </div>
    </form>
  );
}

export function CatalogPage() {
  const location = useLocation();
  const query = catalogQueryOf(location.search);
  const { q, category, page } = query;
  const products = useRequest(
    useCallback(
      (signal: AbortSignal) => shopApi.listProducts({ q, category, page, pageSize: CATALOG_PAGE_SIZE }, signal),
      [q, category, page],
    ),
  );

  return (
    <>
      <h1>Catalog</h1>
      <SearchForm key={`${q}|${category}`} q={q} category={category} />
      <section aria-labelledby="results-heading" aria-busy={products.status === 'loading'}>
        <h2 id="results-heading" className="visually-hidden">
          Results
        </h2>
        {products.status === 'loading' && <Loading label="Loading products…" />}
        {products.status === 'error' && <LoadFailed what="Products" error={products.error} retry={products.retry} headingLevel={3} />}
        {products.status === 'ready' && (
          <>
            <p className="result-count" role="status">
              {products.data.total === 0
                ? 'No products match your search.'
                : `${products.data.total} product${products.data.total === 1 ? '' : 's'}${q ? ` for “${q}”` : ''}${category ? ` in ${category}` : ''}`}
            </p>
            {products.data.items.length === 0 && products.data.total > 0 && (
              <p>
                There is no page {page}. <Link href={catalogPath({ q, category })}>Go to the first page</Link>.
              </p>
            )}
            <ProductGrid products={products.data.items} />
            <Pagination
              page={products.data.page}
              totalPages={products.data.totalPages}
              hrefOf={(target) => catalogPath({ q, category, page: target })}
            />
          </>
        )}
      </section>
    </>
  );
}
