import { describe, expect, it } from 'vitest';
import { formatPrice } from './money.ts';

describe('formatPrice', () => {
  it.each([
    [0, 'USD', '$0.00'],
    [5, 'USD', '$0.05'],
    [99, 'USD', '$0.99'],
    [1999, 'USD', '$19.99'],
    [129900, 'USD', '$1,299.00'],
    [-250, 'USD', '-$2.50'],
    [1999, 'EUR', '€19.99'],
    [1999, 'JPY', '¥1,999'],
  ])('%i minor units of %s → %s', (cents, currency, expected) => {
    expect(formatPrice(cents, currency)).toBe(expected);
  });

  it('defaults to US dollars', () => {
    expect(formatPrice(1050)).toBe('$10.50');
  });

  it('follows the locale it is given', () => {
    expect(formatPrice(123456, 'EUR', 'de-DE')).toBe('1.234,56\u00a0€');
  });

  it('refuses amounts that are not whole minor units', () => {
    expect(() => formatPrice(19.99)).toThrow(/integer number of minor units, got 19.99/);
    expect(() => formatPrice(Number.NaN)).toThrow(RangeError);
  });

  it('refuses an unknown currency code', () => {
    expect(() => formatPrice(100, 'NOPE!')).toThrow(RangeError);
  });
});
