// Prices travel as integer minor units ("cents"); this is the one place that turns them into text.

const formats = new Map<string, Intl.NumberFormat>();

function currencyFormat(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formats.set(key, format);
  }
  return format;
}

/**
 * Formats an amount in minor units, e.g. formatPrice(129900, 'USD') → "$1,299.00".
 * The currency's own number of minor digits is used (2 for USD and EUR, 0 for JPY).
 * Throws on a non-integer amount or an unknown currency code: both are bugs upstream.
 */
export function formatPrice(minorUnits: number, currency = 'USD', locale = 'en-US'): string {
  if (!Number.isSafeInteger(minorUnits)) {
    throw new RangeError(`formatPrice: amount must be an integer number of minor units, got ${minorUnits}`);
  }
  const format = currencyFormat(currency, locale);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}
