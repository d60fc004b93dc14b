import { randomUUID } from 'node:crypto';

/**
 * A write the adapter makes on its own behalf (the product behind a price) gets a key derived
 * from the caller's, so a retry of the caller's operation repeats exactly the same writes.
 * Stripe refuses a key reused on another endpoint, hence the suffix.
 */
export const derivedIdempotencyKey = (idempotencyKey: string, suffix: string): string => `${idempotencyKey}-${suffix}`;

/**
 * For writes the port gives no key for (a portal session is a fresh link each time), we still
 * send one with our prefix: every outgoing write is attributable to us, and the SDK's own
 * retries of this request stay deduplicated.
 */
export const freshIdempotencyKey = (idempotencyPrefix: string, purpose: string): string =>
  `${idempotencyPrefix}-${purpose}-${randomUUID()}`;
