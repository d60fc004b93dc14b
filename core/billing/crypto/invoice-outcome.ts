import type { CryptoInvoiceFact } from '../../ports/payment-provider.js';

/** What an invoice's money has done so far (the crypto_invoices row). */
export interface InvoiceStanding {
  outcome: 'waiting' | 'credited' | 'granted' | 'void';
  settledMinor: number;
  creditedMinor: number;
  /** What the grant recorded as the payment (0 before a grant). */
  grantedMinor: number;
}

export type InvoiceDecision =
  | { kind: 'none' }
  /** Invalid or refunded: reverse the grant and the credit; final. */
  | { kind: 'void' }
  /** Buy the price with `amountMinor` of the settled money; the member's balance holds `creditMinor` of it. */
  | { kind: 'grant'; amountMinor: number; creditMinor: number; settledMinor: number }
  /** The member's balance holds `creditMinor` of this invoice's money. */
  | { kind: 'credit'; creditMinor: number; settledMinor: number };

/** Settled money within the tolerance of the price buys it: wallets round and network fees nibble. */
export const coversPrice = (settledMinor: number, priceMinor: number, toleranceBasisPoints: number) =>
  settledMinor * 10_000 >= priceMinor * (10_000 - toleranceBasisPoints);

/**
 * Decides what one fact of an invoice does, given what earlier facts did. Only ever moves
 * forward: the settled amount is the largest seen (a stale fact cannot shrink it), a grant stays
 * a grant, and void is final, so any order of the same facts ends in the same place.
 */
export function decideInvoiceOutcome(
  standing: InvoiceStanding,
  fact: CryptoInvoiceFact,
  options: { toleranceBasisPoints: number; buysSomething: boolean },
): InvoiceDecision {
  if (standing.outcome === 'void') return { kind: 'none' };
  if (fact.state === 'invalid' || fact.state === 'refunded') return { kind: 'void' };
  const settledMinor = Math.max(standing.settledMinor, fact.settledMinor);
  if (standing.outcome === 'granted') {
    // Money arriving after the grant (a second late transaction) is an over-payment.
    const creditMinor = Math.max(settledMinor - standing.grantedMinor, 0);
    return creditMinor > standing.creditedMinor ? { kind: 'credit', creditMinor, settledMinor } : { kind: 'none' };
  }
  const coveredByMoney = coversPrice(settledMinor, fact.priceMinor, options.toleranceBasisPoints);
  // The store vouches for an invoice it marked settled by hand, whatever reached the wallet.
  const vouched = fact.state === 'settled' && fact.manuallyMarked;
  if (options.buysSomething && (coveredByMoney || vouched)) {
    const amountMinor = coveredByMoney ? Math.min(settledMinor, fact.priceMinor) : fact.priceMinor;
    return { kind: 'grant', amountMinor, creditMinor: Math.max(settledMinor - amountMinor, 0), settledMinor };
  }
  // Short money is credited only once the invoice can take no more on time (settled or expired):
  // while it is open the member may still pay the rest.
  const final = fact.state === 'settled' || fact.state === 'expired';
  if (final && settledMinor > standing.creditedMinor)
    return { kind: 'credit', creditMinor: settledMinor, settledMinor };
  return { kind: 'none' };
}
