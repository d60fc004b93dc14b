import type { Database } from '../../../db/client.js';
import type { CatalogService } from '../../catalog/catalog-service.js';
import type { EntitlementService } from '../../entitlements/entitlement-service.js';
import type { Notify } from '../../notifications/notify.js';
import type { Clock } from '../../ports/clock.js';
import type { CryptoInvoiceFact } from '../../ports/payment-provider.js';
import { applyCryptoInvoice } from './apply-crypto-invoice.js';
import { readCryptoBalance } from './crypto-balance.js';
import { cryptoMessages } from './crypto-messages.js';
import { type RenewalLink, sendCryptoRenewalReminders } from './crypto-renewal-reminders.js';
import type { CryptoSettings } from './crypto-settings.js';
import { runCryptoSubscriptionClock } from './crypto-subscription-clock.js';

/** Crypto money as the product sees it: invoice facts applied, members' credit, and our renewal clock. */
export function createCryptoService(deps: {
  db: Database;
  entitlements: Pick<EntitlementService, 'commitAndRecompute'>;
  catalog: Pick<CatalogService, 'planIndex'>;
  clock: Clock;
  notify: Notify;
  manageUrl: (userId: string) => Promise<string>;
  renewalLink: RenewalLink;
  reminderDays: number;
  settings: CryptoSettings;
  vaultBasisPoints: number;
}) {
  const { db, settings } = deps;
  return {
    settings,

    /**
     * Applies one invoice fact in its own transaction and recomputes the member's access (for a
     * reconciliation that fetched it; the inbox applies facts through applyPaymentEvent).
     */
    async applyInvoice(fact: CryptoInvoiceFact) {
      const { value } = await deps.entitlements.commitAndRecompute(async (transaction) => {
        const userId = await applyCryptoInvoice(
          transaction,
          { paymentEventId: null, vaultBasisPoints: deps.vaultBasisPoints, now: deps.clock.now(), settings },
          fact,
        );
        return { value: userId, userIds: userId ? [userId] : [] };
      });
      return value;
    },

    /** The member's crypto credit per currency, in minor units (zero currencies left out). */
    balance: (userId: string) => readCryptoBalance(db, userId),

    /** Renewal links ahead of each crypto period's end and on its last day (daily, with the card reminders). */
    sendRenewalReminders: async () =>
      sendCryptoRenewalReminders({
        db,
        clock: deps.clock,
        notify: deps.notify,
        planNames: async () =>
          new Map([...(await deps.catalog.planIndex()).values()].map((plan) => [plan.id, plan.name])),
        renewalLink: deps.renewalLink,
        reminderDays: deps.reminderDays,
        gracePeriodMs: settings.gracePeriodMs,
      }),

    /** The scheduled clock: renew from credit, lapse to past due, end after grace; then tell who renewed. */
    async runClock() {
      const outcome = await runCryptoSubscriptionClock({
        db,
        entitlements: deps.entitlements,
        clock: deps.clock,
        gracePeriodMs: settings.gracePeriodMs,
        vaultBasisPoints: deps.vaultBasisPoints,
      });
      if (outcome.renewed.length) {
        const plans = await deps.catalog.planIndex();
        for (const renewal of outcome.renewed)
          await deps.notify(
            renewal.userId,
            'renewal_from_balance',
            // The receipt's own key: this DM is the renewal's receipt, so the receipt sweep sends no second one.
            `receipt:${renewal.purchaseId}`,
            cryptoMessages.renewedFromBalance(
              plans.get(renewal.planId)?.name ?? renewal.planId,
              renewal,
              await deps.manageUrl(renewal.userId),
            ),
          );
      }
      return outcome;
    },
  };
}

export type CryptoService = ReturnType<typeof createCryptoService>;
