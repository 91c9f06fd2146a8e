import { useCallback } from 'react';
import { shopApi } from '../api/shop-api.ts';
import { ColumnHeaders } from '../components/column-headers.tsx';
import { orderDate } from '../components/order-lines.tsx';
import { Price } from '../components/price.tsx';
import { LoadFailed, Loading } from '../components/request-status.tsx';
import { useCart } from '../cart-store.tsx';
import { Link } from '../navigation.tsx';
import { catalogPath, paths } from '../routes.ts';
import { useRequest } from '../use-request.ts';

function OrdersOfCart({ cartId }: { cartId: string | undefined }) {
  const orders = useRequest(useCallback((signal: AbortSignal) => shopApi.listOrders(cartId, signal), [cartId]));

  return (
    <>
      {orders.status === 'loading' && <Loading label="Loading your orders…" />}
      {orders.status === 'error' && <LoadFailed what="Your orders" error={orders.error} retry={orders.retry} />}
      {orders.status === 'ready' && orders.data.items.length === 0 && (
        <div className="notice">
          <p>You have not placed any orders yet.</p>
          <Link className="button button-primary" href={catalogPath()}>
            Browse the catalog
          </Link>
        </div>
      )}
      {orders.status === 'ready' && orders.data.items.length > 0 && (
        <table className="orders-table">
          <caption className="visually-hidden">Your orders, newest first</caption>
          <ColumnHeaders names={['Order', 'Placed', 'Items', 'Total', 'Status']} />
          <tbody>
            {[...orders.data.items]
              .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
              .map((order) => (
                <tr key={order.id}>
                  <th scope="row">
                    <Link href={paths.order(order.id)}>{order.id}</Link>
                  </th>
                  <td>{orderDate(order.createdAt)}</td>
                  <td>
                    {order.itemCount} item{order.itemCount === 1 ? '' : 's'}
                  </td>
                  <td>
                    <Price cents={order.totalCents} currency={order.currency} />
                  </td>
                  <td className="order-status">{order.status}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function OrdersPage() {
  // Orders belong to the cart id; wait for the cart (which also sets the cart_id cookie on a first visit).
  const { cart, status } = useCart();
  return (
    <>
      <h1>Your orders</h1>
      {status === 'loading' ? <Loading label="Loading your orders…" /> : <OrdersOfCart cartId={cart?.id} />}
    </>
  );
}
