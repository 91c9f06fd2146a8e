/** The cart service's HTTP surface: a thin shell over carts.ts and the product service. */
import type { Express, Response } from 'express';
import type { ServiceClient, ServiceContext } from '@slipway/service-kit';
import { UpstreamUnavailable, bodyValidator, conflict, idParam, notFound, requestContext, unprocessable } from '@slipway/service-kit';
import { cartIdFor } from './cart-id.ts';
import type { ProductSnapshot } from './carts.ts';
import { MAX_QUANTITY, addToCart, clearCart, quantityInCart, readCart, removeFromCart, setQuantity } from './carts.ts';

const quantity = { type: 'integer', minimum: 1, maximum: MAX_QUANTITY };

const newLine = bodyValidator<{ productId: number; quantity: number }>({
  type: 'object',
  properties: { productId: { type: 'integer', minimum: 1, maximum: 2_147_483_647 }, quantity },
  required: ['productId', 'quantity'],
  additionalProperties: false,
});

const quantityChange = bodyValidator<{ quantity: number }>({
  type: 'object',
  properties: { quantity },
  required: ['quantity'],
  additionalProperties: false,
});

interface CatalogProduct extends ProductSnapshot {
  stock: number;
}

export function cartRoutes(context: ServiceContext, products: ServiceClient) {
  const { db, metrics } = context;
  const itemsAdded = metrics.counter('shop_cart_items_added_total', 'Units added to carts.');

  async function productFor(res: Response, productId: number): Promise<CatalogProduct> {
    const { requestId } = requestContext(res);
    const answer = await products.call<CatalogProduct>('GET', `/api/products/${productId}`, { requestId });
    if (answer.status === 404) {
      throw unprocessable(`Product ${productId} does not exist.`, [{ field: 'productId', message: `product ${productId} does not exist` }]);
    }
    if (answer.status !== 200) throw new UpstreamUnavailable('product', `answered ${answer.status}`);
    return answer.body;
  }

  function checkStock(product: CatalogProduct, wanted: number): void {
    if (wanted > product.stock) {
      throw conflict('insufficient-stock', 'Insufficient stock', `Only ${product.stock} of ${product.name} in stock.`, [
        { field: 'quantity', message: `only ${product.stock} in stock`, productId: product.id, available: product.stock },
      ]);
    }
  }

  return (app: Express) => {
    app.get('/api/cart', async (req, res) => {
      res.json(await readCart(db, cartIdFor(req, res)));
    });
    app.post('/api/cart/items', async (req, res) => {
      const cartId = cartIdFor(req, res);
      const line = newLine(req.body);
      const product = await productFor(res, line.productId);
      const total = (await quantityInCart(db, cartId, line.productId)) + line.quantity;
      if (total > MAX_QUANTITY) {
        throw unprocessable(`A cart holds at most ${MAX_QUANTITY} of one product.`, [
          { field: 'quantity', message: `would make ${total}; at most ${MAX_QUANTITY}` },
        ]);
      }
      checkStock(product, total);
      if (!(await addToCart(db, cartId, product, line.quantity))) {
        throw unprocessable(`A cart holds at most ${MAX_QUANTITY} of one product.`, [
          { field: 'quantity', message: `at most ${MAX_QUANTITY}` },
        ]);
      }
      itemsAdded.inc(line.quantity);
      res.status(201).json(await readCart(db, cartId));
    });
    app.put('/api/cart/items/:productId', async (req, res) => {
      const cartId = cartIdFor(req, res);
      const productId = idParam(req.params.productId, 'productId');
      const change = quantityChange(req.body);
      if ((await quantityInCart(db, cartId, productId)) === 0) throw notFound(`Product ${productId} is not in the cart.`);
      checkStock(await productFor(res, productId), change.quantity);
      if (!(await setQuantity(db, cartId, productId, change.quantity))) throw notFound(`Product ${productId} is not in the cart.`);
      res.json(await readCart(db, cartId));
    });
    app.delete('/api/cart/items/:productId', async (req, res) => {
      const cartId = cartIdFor(req, res);
      const productId = idParam(req.params.productId, 'productId');
      if (!(await removeFromCart(db, cartId, productId))) throw notFound(`Product ${productId} is not in the cart.`);
      res.json(await readCart(db, cartId));
    });
    app.delete('/api/cart', async (req, res) => {
      await clearCart(db, cartIdFor(req, res));
      res.status(204).end();
    });
  };
}
