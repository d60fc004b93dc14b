import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../../db/client.js';
import { checkoutSessions, cryptoInvoices, planPrices, purchases } from '../../../db/schema/index.js';
import type { CryptoInvoiceFact } from '../../ports/payment-provider.js';
import { recordPayment } from '../record-payment.js';
import { resolveUserId } from '../resolve-user.js';
import { completeCryptoCheckout } from './complete-crypto-checkout.js';
import { lockMemberMoney } from './crypto-balance.js';
import { cryptoLedgerMetadata } from './crypto-ledger-metadata.js';
import type { CryptoSettings } from './crypto-settings.js';
import { grantCryptoPeriod } from './grant-crypto-period.js';
import { decideInvoiceOutcome } from './invoice-outcome.js';
import { postInvoiceCredit } from './post-invoice-credit.js';
import { voidCryptoGrant } from './void-crypto-grant.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CryptoApplyContext {
  paymentEventId: string | null;
  vaultBasisPoints: number;
  now: Date;
  settings: CryptoSettings;
}

/**
 * Applies what a crypto processor reports about one invoice (fetched, never a body's claim)
 * inside the caller's transaction, and returns the member whose facts may have changed.
 * Keyed on (provider, invoice) and on the amounts already recorded, never on the delivery:
 * the same facts in any order and any number of times end in the same grants, credits and
 * ledger. Settled money that covers the price buys it (one period, or the one-time price);
 * short money is credited to the member's crypto balance once the invoice closes; an invalid
 * or refunded invoice takes back whatever it gave.
 */
export async function applyCryptoInvoice(
  executor: Executor,
  context: CryptoApplyContext,
  fact: CryptoInvoiceFact,
): Promise<string | null> {
  const { provider, now } = { provider: fact.provider, now: context.now };
  const [checkout] =
    fact.checkoutId && uuidPattern.test(fact.checkoutId)
      ? await executor.select().from(checkoutSessions).where(eq(checkoutSessions.id, fact.checkoutId))
      : [];
  // An invoice neither we nor the store tied to a member is not ours to act on.
  if (!checkout && !fact.userId) return null;
  const userId = await resolveUserId(executor, provider, { userId: checkout?.userId ?? fact.userId });
  await lockMemberMoney(executor, userId);
  const [price] = checkout
    ? await executor.select().from(planPrices).where(eq(planPrices.id, checkout.planPriceId))
    : [];

  await executor
    .insert(cryptoInvoices)
    .values({
      provider,
      providerInvoiceId: fact.providerInvoiceId,
      userId,
      checkoutId: checkout?.id ?? null,
      planPriceId: price?.id ?? null,
      priceMinor: fact.priceMinor,
      currency: fact.currency,
      lastState: fact.state,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: [cryptoInvoices.provider, cryptoInvoices.providerInvoiceId] });
  const [stored] = await executor
    .select()
    .from(cryptoInvoices)
    .where(and(eq(cryptoInvoices.provider, provider), eq(cryptoInvoices.providerInvoiceId, fact.providerInvoiceId)))
    .for('update');
  if (!stored) throw new Error(`crypto invoice ${provider}:${fact.providerInvoiceId} vanished`);
  const [grant] = stored.purchaseId
    ? await executor.select().from(purchases).where(eq(purchases.id, stored.purchaseId))
    : [];

  const decision = decideInvoiceOutcome(
    {
      outcome: stored.outcome as 'waiting' | 'credited' | 'granted' | 'void',
      settledMinor: stored.settledMinor,
      creditedMinor: stored.creditedMinor,
      grantedMinor: grant?.amountMinor ?? 0,
    },
    fact,
    { toleranceBasisPoints: context.settings.toleranceBasisPoints, buysSomething: Boolean(price) },
  );
  const metadata = cryptoLedgerMetadata(fact);
  const credit = (toMinor: number, step?: 'void') =>
    postInvoiceCredit(executor, {
      provider,
      providerInvoiceId: fact.providerInvoiceId,
      userId,
      currency: fact.currency,
      fromMinor: stored.creditedMinor,
      toMinor,
      step,
      referenceId: stored.id,
      paymentEventId: context.paymentEventId,
      occurredAt: now,
      metadata,
    });
  const update = (values: Partial<typeof cryptoInvoices.$inferInsert>) =>
    executor
      .update(cryptoInvoices)
      .set({ lastState: fact.state, updatedAt: now, ...values })
      .where(eq(cryptoInvoices.id, stored.id));

  switch (decision.kind) {
    case 'none':
      await update({});
      return null;
    case 'void':
      if (stored.purchaseId) await voidCryptoGrant(executor, { provider, ...context }, stored.purchaseId, metadata);
      await credit(0, 'void');
      await update({ outcome: 'void', creditedMinor: 0 });
      return userId;
    case 'credit':
      await credit(decision.creditMinor);
      await update({
        outcome: stored.outcome === 'granted' ? 'granted' : 'credited',
        settledMinor: decision.settledMinor,
        creditedMinor: decision.creditMinor,
      });
      return userId;
    case 'grant': {
      if (!price || !checkout) return null;
      const period =
        price.interval === 'one_time'
          ? null
          : await grantCryptoPeriod(executor, {
              provider,
              userId,
              planId: price.planId,
              planPriceId: price.id,
              interval: price.interval,
              now,
              gracePeriodMs: context.settings.gracePeriodMs,
            });
      const recorded = await recordPayment(
        executor,
        { provider, paymentEventId: context.paymentEventId, vaultBasisPoints: context.vaultBasisPoints },
        {
          providerPaymentId: fact.providerInvoiceId,
          chargeReference: fact.providerInvoiceId,
          kind: period ? 'subscription' : 'one_time',
          userId,
          providerCustomerId: null,
          providerSubscriptionId: period?.providerSubscriptionId ?? null,
          items: [{ planPriceId: price.id, providerPriceId: null, quantity: 1 }],
          amountMinor: decision.amountMinor,
          currency: fact.currency,
          paidAt: now,
          periodStart: period?.periodStart ?? null,
          periodEnd: period?.periodEnd ?? null,
        },
        metadata,
      );
      if (!recorded.purchaseId)
        throw new Error(`crypto invoice ${provider}:${fact.providerInvoiceId} was recorded without its row`);
      await credit(decision.creditMinor);
      await update({
        outcome: 'granted',
        settledMinor: decision.settledMinor,
        creditedMinor: decision.creditMinor,
        purchaseId: recorded.purchaseId,
      });
      await completeCryptoCheckout(executor, checkout, userId, now);
      return userId;
    }
  }
}
