// The shapes the product, cart and order services answer with: defined once, in the shop contract.
export type * from '@slipway/shop-contract';
