import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { checkoutSessions, providerCustomers } from '../../db/schema/index.js';
import { notYet } from '../errors.js';
import { checkoutFunnelKey, funnelPlatformOf, recordFunnelEvent } from '../funnel/funnel-events.js';
import type { NormalizedEvent, PaymentProvider, SubscriptionSnapshot } from '../ports/payment-provider.js';
import { recordPromotionRedemption } from '../promotions/promotion-redemptions.js';
import { applyDispute } from './apply-dispute.js';
import { applyRefund } from './apply-refund.js';
import { applySubscriptionSnapshot } from './apply-subscription-snapshot.js';
import { applyCryptoInvoice } from './crypto/apply-crypto-invoice.js';
import { type CryptoSettings, defaultCryptoSettings } from './crypto/crypto-settings.js';
import { recordPayment } from './record-payment.js';
import { resolveUserId } from './resolve-user.js';
import { recordSubscriptionDiscount } from './subscription-discount.js';

export interface ApplyContext {
  provider: string;
  paymentEventId: string | null;
  vaultBasisPoints: number;
  now: Date;
  /** How crypto invoice facts are judged (tolerance, grace); the defaults when not given. */
  crypto?: CryptoSettings;
}

/** Subscriptions whose current state this event makes us look up (never trust the event's copy). */
export function subscriptionsToFetch(event: NormalizedEvent): string[] {
  switch (event.kind) {
    case 'subscription.changed':
      return [event.providerSubscriptionId];
    case 'checkout.completed':
      return event.providerSubscriptionId ? [event.providerSubscriptionId] : [];
    case 'payment.succeeded':
      return event.payment.providerSubscriptionId ? [event.payment.providerSubscriptionId] : [];
    case 'payment.failed':
      return event.providerSubscriptionId ? [event.providerSubscriptionId] : [];
    default:
      return [];
  }
}

/** Fetches outside any transaction: a network call must never hold database locks. */
export async function fetchSnapshots(provider: PaymentProvider, event: NormalizedEvent) {
  const snapshots: SubscriptionSnapshot[] = [];
  for (const id of subscriptionsToFetch(event)) {
    const snapshot = await provider.fetchSubscription(id);
    if (!snapshot) throw notYet('subscription_missing', 'The provider does not know this subscription.', { id });
    snapshots.push(snapshot);
  }
  return snapshots;
}

/**
 * Applies one normalized event inside the caller's transaction and returns the users whose
 * facts may have changed. Every write is keyed, so applying the same event again is a no-op.
 */
export async function applyPaymentEvent(
  executor: Executor,
  context: ApplyContext,
  event: NormalizedEvent,
  snapshots: SubscriptionSnapshot[],
): Promise<Set<string>> {
  const affected = new Set<string>();
  const add = (userId: string | null) => {
    if (userId) affected.add(userId);
  };

  let promotionCode: string | null = null;
  if (event.kind === 'checkout.completed') {
    const [checkout] = await executor
      .select()
      .from(checkoutSessions)
      .where(
        and(
          eq(checkoutSessions.provider, context.provider),
          eq(checkoutSessions.providerSessionId, event.providerSessionId),
        ),
      );
    const userId = await resolveUserId(executor, context.provider, {
      userId: checkout?.userId ?? event.userId,
      providerCustomerId: event.providerCustomerId,
    });
    if (checkout && checkout.status !== 'completed')
      await executor
        .update(checkoutSessions)
        .set({ status: 'completed', completedAt: context.now })
        .where(eq(checkoutSessions.id, checkout.id));
    // Keyed by checkout: a replayed event, or one arriving after the row was completed, counts once.
    if (checkout)
      await recordFunnelEvent(executor, {
        event: 'checkout_completed',
        platform: funnelPlatformOf(checkout.source),
        userId,
        planId: checkout.planId,
        businessKey: checkoutFunnelKey('checkout_completed', checkout.id),
        occurredAt: context.now,
      });
    promotionCode = checkout?.promotionCode ?? null;
    if (checkout?.promotionCode)
      await recordPromotionRedemption(executor, {
        code: checkout.promotionCode,
        userId,
        checkoutSessionId: checkout.id,
        at: context.now,
      });
    if (event.providerCustomerId)
      await executor
        .insert(providerCustomers)
        .values({ userId, provider: context.provider, providerCustomerId: event.providerCustomerId })
        .onConflictDoNothing();
    if (event.payment) add((await recordPayment(executor, context, event.payment)).userId);
    add(userId);
  }

  // Subscriptions first: a payment may be the first we hear of its subscription.
  for (const snapshot of snapshots)
    add(await applySubscriptionSnapshot(executor, context.provider, snapshot, context.now));
  // The subscription a discounted checkout started keeps the code's terms: MRR reads them.
  if (event.kind === 'checkout.completed' && promotionCode && event.providerSubscriptionId)
    await recordSubscriptionDiscount(executor, {
      provider: context.provider,
      providerSubscriptionId: event.providerSubscriptionId,
      promotionCode,
      now: context.now,
    });

  switch (event.kind) {
    case 'payment.succeeded':
      add((await recordPayment(executor, context, event.payment)).userId);
      break;
    case 'payment.failed':
      add(
        await resolveUserId(executor, context.provider, {
          userId: event.userId,
          providerCustomerId: event.providerCustomerId,
          providerSubscriptionId: event.providerSubscriptionId,
        }),
      );
      break;
    case 'refund.updated':
      add(await applyRefund(executor, context, event));
      break;
    case 'dispute.updated':
      add(await applyDispute(executor, context, event));
      break;
    case 'crypto_invoice.updated':
      add(
        await applyCryptoInvoice(
          executor,
          { ...context, settings: context.crypto ?? defaultCryptoSettings },
          event.invoice,
        ),
      );
      break;
    default:
      break;
  }
  return affected;
}
