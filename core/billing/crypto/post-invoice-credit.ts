import type { Executor } from '../../../db/client.js';
import { appendLedgerEntries } from '../../ledger/ledger-entries.js';
import { cryptoBalanceAccount } from './crypto-balance.js';

/**
 * Moves the member's balance so it holds `toMinor` of this invoice's money instead of
 * `fromMinor`: a credit when more arrived, a reversal when a grant (or a void) took it back.
 * The key names the step (from → to); an invoice's credited amount only rises, except once when
 * a grant takes the credit back, so a step never repeats and a replay posts nothing.
 */
export async function postInvoiceCredit(
  executor: Executor,
  input: {
    provider: string;
    providerInvoiceId: string;
    userId: string;
    currency: string;
    fromMinor: number;
    toMinor: number;
    /** `void`: the reversal of a voided invoice, keyed apart from the steps. */
    step?: 'void';
    referenceId: string;
    paymentEventId: string | null;
    occurredAt: Date;
    metadata: Record<string, unknown>;
  },
) {
  const change = input.toMinor - input.fromMinor;
  if (change === 0) return;
  const invoiceKey = `${input.provider}:${input.providerInvoiceId}`;
  await appendLedgerEntries(executor, [
    {
      entryKey: `crypto-credit:${invoiceKey}:${input.step ?? `${input.fromMinor}->${input.toMinor}`}`,
      userId: input.userId,
      account: cryptoBalanceAccount,
      kind: change > 0 ? 'crypto_credit' : 'crypto_credit_reversal',
      amountMinor: change,
      currency: input.currency,
      provider: input.provider,
      referenceId: input.referenceId,
      paymentEventId: input.paymentEventId,
      occurredAt: input.occurredAt,
      metadata: input.metadata,
    },
  ]);
}
