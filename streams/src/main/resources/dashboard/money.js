// Exact money as the API gives it: decimal strings with two places. Figures are shown rounded to
// the report's unit (亿, 10^8) but computed on BigInt cents, never on floating point.

const HUNDRED_MILLION_CENTS = 10n ** 10n;

/** "72000000000.00" → 7200000000000n (cents). */
export function cents(value) {
  if (value === undefined || value === null || value === '') {
    return 0n;
  }
  const negative = value.startsWith('-');
  const [whole, fraction = ''] = (negative ? value.slice(1) : value).split('.');
  const c = BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
  return negative ? -c : c;
}

function groups(n, sep) {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** Cents in units of `unitCents`, rounded half up to two places: "720.00". */
function scaled(c, unitCents) {
  const negative = c < 0n;
  const abs = negative ? -c : c;
  const hundredths = (abs * 100n + unitCents / 2n) / unitCents;
  const text = groups(hundredths / 100n, ',') + '.' + (hundredths % 100n).toString().padStart(2, '0');
  return (negative ? '-' : '') + text;
}

/** The exact amount, grouped: "CNY 72,000,000,000.00". */
export function exact(value, currency) {
  const c = cents(value);
  const negative = c < 0n;
  const abs = negative ? -c : c;
  return `${currency} ${negative ? '-' : ''}${groups(abs / 100n, ',')}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** In the report's unit: zh "720.00 亿元" / "18.00 亿美元"; en "CNY 72.00 bn" / "USD 1.80 bn". */
export function headline(value, currency, lang) {
  const c = cents(value);
  if (lang === 'zh') {
    return `${scaled(c, HUNDRED_MILLION_CENTS)} ${currency === 'CNY' ? '亿元' : currency === 'USD' ? '亿美元' : '亿 ' + currency}`;
  }
  return `${currency} ${scaled(c, HUNDRED_MILLION_CENTS * 10n)} bn`;
}

/**
 * One event's amount: in 亿 (or bn) from 1 亿 up, below that in 万元 (zh) or millions (en), so that a
 * grant of CNY 1.1 m does not read "0.01 亿元".
 */
export function amount(value, currency, lang) {
  const c = cents(value);
  const abs = c < 0n ? -c : c;
  if (abs >= HUNDRED_MILLION_CENTS) {
    return headline(value, currency, lang);
  }
  if (lang === 'zh') {
    return `${scaled(c, 1000000n)} ${currency === 'CNY' ? '万元' : currency === 'USD' ? '万美元' : '万 ' + currency}`;
  }
  return `${currency} ${scaled(c, 100000000n)} m`;
}

/** A number for charts (display only): the amount in 亿. */
export function yi(value) {
  const c = cents(value);
  return Number(c / 1000000n) / 10000;
}
