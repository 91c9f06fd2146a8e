// The shop's frame: skip link, header with navigation and the cart's count, the page for the URL.
import { useEffect, useRef } from 'react';
import { CartProvider, useCart } from './cart-store.tsx';
import { Link, useLocation } from './navigation.tsx';
import { CartPage } from './pages/cart-page.tsx';
import { CatalogPage } from './pages/catalog-page.tsx';
import { CheckoutPage } from './pages/checkout-page.tsx';
import { HomePage } from './pages/home-page.tsx';
import { OrderPage } from './pages/order-page.tsx';
import { OrdersPage } from './pages/orders-page.tsx';
import { ProductPage } from './pages/product-page.tsx';
import { catalogPath, pageTitle, paths, routeOf } from './routes.ts';
import type { Route } from './routes.ts';

function CartLink({ current }: { current: boolean }) {
  const { cart } = useCart();
  const count = cart?.itemCount;
  return (
    // Named by its text, "Cart, 3 items", which starts with the words it shows (WCAG 2.5.3 label in name).
    <Link href={paths.cart()} className="cart-link" aria-current={current ? 'page' : undefined}>
      {count === undefined ? (
        'Cart'
      ) : (
        <>
          <span aria-hidden="true">
            Cart <span className="cart-count">{count}</span>
          </span>
          <span className="visually-hidden">{`Cart, ${count} item${count === 1 ? '' : 's'}`}</span>
        </>
      )}
    </Link>
  );
}

function PageFor({ route }: { route: Route }) {
  switch (route.page) {
    case 'home':
      return <HomePage />;
    case 'catalog':
      return <CatalogPage />;
    case 'product':
      return <ProductPage key={route.productId} productId={route.productId} />;
    case 'cart':
      return <CartPage />;
    case 'checkout':
      return <CheckoutPage />;
    case 'orders':
      return <OrdersPage />;
    case 'order':
      return <OrderPage key={route.orderId} orderId={route.orderId} />;
    case 'not-found':
      return (
        <>
          <h1>Page not found</h1>
          <p>
            There is no page here. <Link href={paths.home()}>Go to the shop's front page</Link>.
          </p>
        </>
      );
  }
}

export function App() {
  const { pathname } = useLocation();
  const route = routeOf(pathname);
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  const title = pageTitle(route);
  useEffect(() => {
    document.title = title;
  }, [title]);

  // After a page change, move focus to the new page so screen readers and keyboards start there.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
  }, [pathname]);

  return (
    <CartProvider>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link href={paths.home()} className="brand">
            Slipway Shop
          </Link>
          <nav aria-label="Main">
            <ul>
              <li>
                <Link href={catalogPath()} aria-current={route.page === 'catalog' ? 'page' : undefined}>
                  Catalog
                </Link>
              </li>
              <li>
                <Link href={paths.orders()} aria-current={route.page === 'orders' ? 'page' : undefined}>
                  Orders
                </Link>
              </li>
              <li>
                <CartLink current={route.page === 'cart'} />
              </li>
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <PageFor route={route} />
      </main>
      <footer className="site-footer">
        <p>Slipway Shop — a sample shop delivered by Slipway.</p>
      </footer>
    </CartProvider>
  );
}
