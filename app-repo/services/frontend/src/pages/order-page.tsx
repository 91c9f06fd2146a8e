import { useCallback } from 'react';
import { shopApi } from '../api/shop-api.ts';
import type { Order } from '../api/shop-types.ts';
import { orderDate, OrderLines } from '../components/order-lines.tsx';
import { LoadFailed, Loading } from '../components/request-status.tsx';
import { Link, useLocation } from '../navigation.tsx';
import { catalogPath, paths } from '../routes.ts';
import { useRequest } from '../use-request.ts';

export function OrderPage({ orderId }: { orderId: string }) {
  const justPlaced = new URLSearchParams(useLocation().search).get('placed') === '1';
  const order = useRequest(useCallback((signal: AbortSignal) => shopApi.getOrder(orderId, signal), [orderId]));

  // The heading does not wait for the order: it is known from the URL, and stays put while the details load.
  return (
    <article className="order-detail">
      <h1>{justPlaced ? 'Thank you for your order!' : `Order ${orderId}`}</h1>
      {order.status === 'loading' && <Loading label="Loading your order…" />}
      {order.status === 'error' && (
        <>
          {justPlaced && <p>Your order is placed: order number {orderId}.</p>}
          <LoadFailed what="Order details" error={order.error} retry={order.retry} />
        </>
      )}
      {order.status === 'ready' && <OrderDetails placed={order.data} justPlaced={justPlaced} />}
    </article>
  );
}

function OrderDetails({ placed, justPlaced }: { placed: Order; justPlaced: boolean }) {
  return (
    <>
      {justPlaced && <p className="notice notice-success">We have your order and will email {placed.customer.email} when it ships.</p>}
      <dl className="order-facts">
        <dt>Order number</dt>
        <dd data-testid="order-id">{placed.id}</dd>
        <dt>Placed</dt>
        <dd>{orderDate(placed.createdAt)}</dd>
        <dt>Status</dt>
        <dd className="order-status">{placed.status}</dd>
        <dt>Name</dt>
        <dd>{placed.customer.name}</dd>
      </dl>
      <OrderLines order={placed} />
      <p className="order-links">
        <Link href={paths.orders()}>See all your orders</Link> · <Link href={catalogPath()}>Keep shopping</Link>
      </p>
    </>
  );
}
