// The shapes the product, cart and order services answer with (see app-repo/README.md):
// the services build them, the frontend reads them. Types only: nothing here runs.

/** Products are numbered by the product service (a serial key); carts and orders have UUIDs. */
export type ProductId = number;

export interface Product {
  id: ProductId;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  category: string;
  stock: number;
  imageUrl: string;
  featured: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ProductPage {
  items: Product[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

export interface Category {
  name: string;
  count: number;
}

export interface CartLine {
  productId: ProductId;
  name: string;
  imageUrl: string;
  unitPriceCents: number;
  quantity: number;
  lineTotalCents: number;
}

export interface Cart {
  id: string;
  items: CartLine[];
  itemCount: number;
  subtotalCents: number;
  currency: string;
}

export interface OrderLine {
  productId: ProductId;
  name: string;
  unitPriceCents: number;
  quantity: number;
  lineTotalCents: number;
}

export interface Customer {
  name: string;
  email: string;
}

export interface Order {
  id: string;
  cartId: string;
  customerId: string;
  customer: Customer;
  status: string;
  lines: OrderLine[];
  itemCount: number;
  subtotalCents: number;
  totalCents: number;
  currency: string;
  createdAt: string;
}

/** One field an RFC 9457 problem points at; services may add details such as `productId` or `available`. */
export interface ProblemFieldError {
  field: string;
  message: string;
  [detail: string]: unknown;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: ProblemFieldError[];
}
