import { formatMoney } from '../formatting.js';

/** A PnL as people read it: +$22.50, -$3.10, $0.00. */
export const signedMoney = (amountMinor: number, currency: string) =>
  `${amountMinor > 0 ? '+' : amountMinor < 0 ? '-' : ''}${formatMoney(Math.abs(amountMinor), currency)}`;
