import type { Order } from '../api/shop-types.ts';
import { ColumnHeaders } from './column-headers.tsx';
import { Price } from './price.tsx';

export function OrderLines({ order }: { order: Order }) {
  return (
    <table className="order-lines">
      <caption className="visually-hidden">Items in order {order.id}</caption>
      <ColumnHeaders names={['Item', 'Quantity', 'Price', 'Total']} />
      <tbody>
        {order.lines.map((line) => (
          <tr key={line.productId}>
            <th scope="row">{line.name}</th>
            <td>{line.quantity}</td>
            <td>
              <Price cents={line.unitPriceCents} currency={order.currency} />
            </td>
            <td>
              <Price cents={line.lineTotalCents} currency={order.currency} />
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={3}>
            Total
          </th>
          <td>
            <Price cents={order.totalCents} currency={order.currency} className="price price-large" />
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

export function orderDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}
