import { type CryptoProviderName, cryptoProviderNames } from '../../ports/payment-provider.js';

/** What decides how crypto money is treated; from config (CRYPTO_UNDERPAYMENT_TOLERANCE_BPS, GRACE_PERIOD_DAYS). */
export interface CryptoSettings {
  /** An invoice settled this short of its price (basis points) still buys it. */
  toleranceBasisPoints: number;
  /** How long a lapsed crypto subscription keeps access, and may be continued by a late payment. */
  gracePeriodMs: number;
}

export const defaultCryptoSettings: CryptoSettings = { toleranceBasisPoints: 100, gracePeriodMs: 3 * 86_400_000 };

export const isCryptoProvider = (provider: string): provider is CryptoProviderName =>
  (cryptoProviderNames as readonly string[]).includes(provider);
