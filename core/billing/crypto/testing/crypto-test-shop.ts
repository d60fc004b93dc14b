import { randomUUID } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import { expect } from 'vitest';
import {
  billingLedger,
  checkoutSessions,
  paymentEvents,
  planPrices,
  purchases,
  subscriptions,
} from '../../../../db/schema/index.js';
import type { CryptoInvoiceFact } from '../../../ports/payment-provider.js';
import type { TestApp } from '../../../testing/test-core.js';
import { btcPayment, cryptoInvoice } from './crypto-invoice-builder.js';

/**
 * A member buying with crypto in a test: our checkout row (as the crypto checkout would open
 * it), invoice facts built against it, and reads of what core made of them.
 */
export function cryptoTestShop(harness: () => TestApp) {
  let members = 0;

  async function priceOf(planId: string, interval: 'month' | 'year') {
    const [price] = await harness()
      .core.db.select()
      .from(planPrices)
      .where(and(eq(planPrices.planId, planId), eq(planPrices.interval, interval), eq(planPrices.active, true)));
    if (!price) throw new Error(`no ${interval} price for ${planId}`);
    return price;
  }

  return {
    priceOf,

    async member() {
      members += 1;
      const externalId = `82000000000000${String(members).padStart(4, '0')}`;
      const { id } = await harness().createUser({
        email: `crypto${members}@example.com`,
        platform: 'discord',
        external_id: externalId,
      });
      return { userId: id, externalId };
    },

    /** Our checkout for a plan, and an invoice fact for it in the state and with the payments given. */
    async checkout(
      userId: string,
      planId = 'pro',
      interval: 'month' | 'year' = 'month',
      givenPrice?: typeof planPrices.$inferSelect,
    ) {
      const price = givenPrice ?? (await priceOf(planId, interval));
      const [row] = await harness()
        .core.db.insert(checkoutSessions)
        .values({
          userId,
          provider: 'btcpay',
          mode: price.interval === 'one_time' ? 'payment' : 'subscription',
          planId,
          planPriceId: price.id,
          lineItems: [{ planId, planPriceId: price.id, quantity: 1 }],
          intentKey: randomUUID(),
          idempotencyKey: randomUUID(),
          providerSessionId: `inv_${randomUUID().slice(0, 8)}`,
          status: 'open',
          expiresAt: new Date(harness().clock.now().getTime() + 3_600_000),
        })
        .returning();
      if (!row?.providerSessionId) throw new Error('checkout not stored');
      const invoiceId = row.providerSessionId;
      const fact = (
        state: CryptoInvoiceFact['state'],
        paidMinor: number[] = [],
        extra: Partial<CryptoInvoiceFact> = {},
      ): CryptoInvoiceFact =>
        cryptoInvoice({
          providerInvoiceId: invoiceId,
          checkoutId: row.id,
          userId,
          priceMinor: price.amountMinor,
          state,
          payments: paidMinor.map((fiatMinor, index) => btcPayment(`${invoiceId}-tx${index}`, fiatMinor)),
          ...extra,
        });
      return { checkoutId: row.id, invoiceId, price, fact };
    },

    /** Sums of the member's ledger by account (signed minor units). */
    async ledgerSums(userId: string) {
      const rows = await harness().core.db.select().from(billingLedger).where(eq(billingLedger.userId, userId));
      const sums: Record<string, number> = {};
      for (const row of rows) sums[row.account] = (sums[row.account] ?? 0) + row.amountMinor;
      return sums;
    },

    ledger: (userId: string) =>
      harness().core.db.select().from(billingLedger).where(eq(billingLedger.userId, userId)).orderBy(billingLedger.id),

    purchases: (userId: string) =>
      harness().core.db.select().from(purchases).where(eq(purchases.userId, userId)).orderBy(purchases.periodStart),

    lines: (userId: string) =>
      harness()
        .core.db.select()
        .from(subscriptions)
        .where(eq(subscriptions.userId, userId))
        .orderBy(subscriptions.createdAt),

    /** Fresh access as the entitlement function decides it now. */
    async access(userId: string) {
      const { view } = await harness().core.entitlements.refresh(userId);
      return { tier: view.tier, status: view.status };
    },

    /** Every stored delivery was processed (a failure would otherwise only wait for its retry). */
    async expectAllProcessed() {
      const unprocessed = await harness()
        .core.db.select({ status: paymentEvents.status, lastError: paymentEvents.lastError })
        .from(paymentEvents)
        .where(ne(paymentEvents.status, 'processed'));
      expect(unprocessed).toEqual([]);
    },
  };
}
