/** Why a signed timestamp is refused: too old (a replay) or too far ahead (a pre-signed replay). */
export type TimestampRefusal = 'stale' | 'future';

/**
 * The one freshness rule for every provider's signed webhooks: the signed timestamp must lie
 * within `toleranceSeconds` of our clock in either direction. Checking age alone (as Stripe's
 * SDK does) lets a signature dated years ahead be replayed for years.
 */
export function webhookTimestampRefusal(
  timestampSeconds: number,
  nowSeconds: number,
  toleranceSeconds: number,
): TimestampRefusal | null {
  if (!Number.isFinite(timestampSeconds)) return 'stale';
  if (nowSeconds - timestampSeconds > toleranceSeconds) return 'stale';
  if (timestampSeconds - nowSeconds > toleranceSeconds) return 'future';
  return null;
}

/** The `t=` value of a Stripe-style signature header (`t=…,v1=…`), or null when absent or not a number. */
export function signedTimestampOf(header: string): number | null {
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0 || part.slice(0, separator).trim() !== 't') continue;
    const value = part.slice(separator + 1).trim();
    return /^\d{1,12}$/.test(value) ? Number(value) : null;
  }
  return null;
}
