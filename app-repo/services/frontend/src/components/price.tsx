import { formatPrice } from '../money.ts';

export function Price({ cents, currency, className }: { cents: number; currency: string; className?: string }) {
  return <span className={className ?? 'price'}>{formatPrice(cents, currency)}</span>;
}
