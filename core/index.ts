import { randomUUID } from 'node:crypto';
import cron from 'node-cron';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { DatabaseHandle } from '../db/client.js';
import { accessReconcileJob, createAccessService } from './access/access-service.js';
import { createBullmqQueue } from './adapters/bullmq-queue.js';
import { createInProcessQueue } from './adapters/in-process-queue.js';
import { createMemoryCache } from './adapters/memory-cache.js';
import { createRedisCache } from './adapters/redis-cache.js';
import { createAdminWeb } from './admin-web/admin-web-service.js';
import { createFigureHistory } from './admin-web/figure-history.js';
import { createApiAccess } from './auth/create-api-access.js';
import { createAutotradeService } from './autotrade/autotrade-service.js';
import { createSeededPriceFeed } from './autotrade/seeded-price-feed.js';
import { createBillingOverview } from './billing/billing-overview.js';
import { createBusinessFigures } from './billing/business-figures.js';
import { createCheckoutService } from './billing/checkout-service.js';
import { createCryptoService } from './billing/crypto/crypto-service.js';
import { createBitpayProvider } from './billing/providers/bitpay/bitpay-provider.js';
import { createBtcpayProvider } from './billing/providers/btcpay/btcpay-provider.js';
import { createSandboxProvider, type SandboxProvider } from './billing/providers/sandbox/sandbox-provider.js';
import { createStripeProvider } from './billing/providers/stripe/stripe-provider.js';
import { buildRevenueReport } from './billing/revenue-report.js';
import { createSubscriptionService } from './billing/subscription-service.js';
import { syncProviderPrices } from './billing/sync-provider-prices.js';
import { createCatalogService } from './catalog/catalog-service.js';
import type { Config } from './config.js';
import { type DataDirectoryOwner, openConfiguredDatabase } from './data-directory/open-configured-database.js';
import { createAccessFreezes } from './entitlements/access-freezes.js';
import { createEntitlementService, entitlementsChangedJob } from './entitlements/entitlement-service.js';
import { createManualGrants } from './entitlements/manual-grants.js';
import { createQuotaCounters } from './entitlements/quota-counters.js';
import { refreshPlanHolders } from './entitlements/refresh-plan-holders.js';
import { createFeatureFlags } from './feature-flags/feature-flags.js';
import { createFunnelService } from './funnel/funnel-service.js';
import { createLinkCodes } from './identity/link-codes.js';
import { createMemberDirectory } from './identity/member-directory.js';
import { createUserService } from './identity/user-service.js';
import { buildJobHandlers, defineJob } from './jobs/job-registry.js';
import { createSignedLinks } from './links/signed-links.js';
import { deriveLinkSecret } from './links/signed-token.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createNotificationService } from './notifications/notification-service.js';
import { createOutboundWebhooks } from './outbound-webhooks/outbound-webhook-service.js';
import { deriveWebhookSecretKey } from './outbound-webhooks/secret-box.js';
import type { Cache } from './ports/cache.js';
import { type Clock, systemClock } from './ports/clock.js';
import type { PaymentProvider } from './ports/payment-provider.js';
import type { PriceFeed } from './ports/price-feed.js';
import type { Queue } from './ports/queue.js';
import { createPromotionService } from './promotions/promotion-service.js';
import { checkReadiness } from './readiness.js';
import { createReferralService } from './referrals/referral-service.js';
import { createSalesContactService } from './sales/sales-contact-service.js';
import { createDelayedSignals } from './signals/delayed-signals.js';
import { createSignalService } from './signals/signal-service.js';
import { createUpgradeLink } from './signals/upgrade-link.js';
import { createWebSessionService } from './web-sessions/web-session-service.js';
import { createWebhookIngest, processPaymentEventJob } from './webhooks/ingest-webhook.js';
import { createPaymentEventAdmin } from './webhooks/payment-event-admin.js';
import { createPaymentEventProcessor } from './webhooks/process-payment-event.js';
import { createPaymentEventSweeper } from './webhooks/sweep-payment-events.js';

export interface CoreDependencies {
  config: Config;
  /** Tests pass their own database, clock, logger, cache or queue; otherwise built from config. */
  database?: DatabaseHandle;
  clock?: Clock;
  logger?: Logger;
  cache?: Cache;
  queue?: Queue;
  /** Autotrade prices; the seeded simulated feed when not given (no real feed is wired yet). */
  priceFeed?: PriceFeed;
  /** Written into the embedded data directory's lock: the role, and the port it serves on. */
  dataDirectoryOwner?: DataDirectoryOwner;
}

export type SandboxDelivery = (rawBody: string, headers: Record<string, string>) => Promise<void>;

/** Listeners run by the `entitlements.changed` job: access sync, notifications (bots plug in here). */
export type EntitlementListener = (change: { userId: string; version: number }) => Promise<void>;

/**
 * Builds the product. bots/ and web/ import only this. Nothing starts consuming jobs or
 * timers until start() is called for the process's role.
 */
export async function createCore(dependencies: CoreDependencies) {
  const { config } = dependencies;
  const clock = dependencies.clock ?? systemClock;
  const logger = dependencies.logger ?? createLogger({ level: config.LOG_LEVEL });
  const database = dependencies.database ?? (await openConfiguredDatabase(config, dependencies.dataDirectoryOwner));
  const { db } = database;
  const redisPrefix = config.REDIS_PREFIX;
  const cache =
    dependencies.cache ??
    (config.REDIS_URL
      ? createRedisCache({ url: config.REDIS_URL, keyPrefix: redisPrefix, logger })
      : createMemoryCache());
  const queue =
    dependencies.queue ??
    (config.REDIS_URL
      ? createBullmqQueue({ url: config.REDIS_URL, prefix: `${redisPrefix}bull`, logger })
      : createInProcessQueue({ logger }));
  const metrics = createMetrics();

  const catalog = createCatalogService({
    db,
    defaultCurrency: config.DEFAULT_CURRENCY,
    activePlansCacheMs: config.CATALOG_CACHE_TTL_MS,
  });
  const users = createUserService({ db });

  // The sandbox answers through the same webhook route as real providers; web/ wires the delivery.
  let sandboxDelivery: SandboxDelivery = async (rawBody, headers) => {
    const response = await fetch(`${config.PUBLIC_URL}/v1/webhooks/sandbox`, {
      method: 'POST',
      headers,
      body: rawBody,
    });
    if (!response.ok) throw new Error(`sandbox webhook delivery failed with ${response.status}`);
  };
  const providers = new Map<string, PaymentProvider>();
  let sandbox: SandboxProvider | undefined;
  if (config.SANDBOX_ENABLED) {
    sandbox = createSandboxProvider({
      db,
      webhookSecret: config.SANDBOX_WEBHOOK_SECRET,
      toleranceSeconds: config.WEBHOOK_TOLERANCE_SECONDS,
      publicUrl: config.PUBLIC_URL,
      clock,
      deliver: (rawBody, headers) => sandboxDelivery(rawBody, headers),
    });
    providers.set('sandbox', sandbox);
  }
  if (config.STRIPE_SECRET_KEY) {
    providers.set(
      'stripe',
      createStripeProvider({
        secretKey: config.STRIPE_SECRET_KEY,
        webhookSecrets: config.STRIPE_WEBHOOK_SECRETS,
        toleranceSeconds: config.WEBHOOK_TOLERANCE_SECONDS,
        apiBase: config.STRIPE_API_BASE,
        idempotencyPrefix: config.IDEMPOTENCY_PREFIX,
        clock,
        logger,
      }),
    );
  }
  if (config.BTCPAY_URL && config.BTCPAY_API_KEY && config.BTCPAY_STORE_ID) {
    providers.set(
      'btcpay',
      createBtcpayProvider({
        baseUrl: config.BTCPAY_URL,
        apiKey: config.BTCPAY_API_KEY,
        storeId: config.BTCPAY_STORE_ID,
        webhookSecrets: config.BTCPAY_WEBHOOK_SECRETS,
      }),
    );
  }
  if (config.BITPAY_TOKEN) {
    providers.set(
      'bitpay',
      createBitpayProvider({
        token: config.BITPAY_TOKEN,
        apiBase: config.BITPAY_API_BASE,
        publicUrl: config.PUBLIC_URL,
        clock,
      }),
    );
  }
  const defaultProvider = config.BILLING_PROVIDER_MODE === 'stripe' ? 'stripe' : 'sandbox';

  const entitlementPolicy = {
    gracePeriodMs: config.GRACE_PERIOD_DAYS * 86_400_000,
    renewalLeewayMs: config.RENEWAL_LEEWAY_HOURS * 3_600_000,
  };
  const entitlements = createEntitlementService({
    db,
    cache,
    queue,
    clock,
    catalog,
    metrics,
    logger,
    policy: entitlementPolicy,
    cacheTtlSeconds: config.ENTITLEMENT_CACHE_TTL_SECONDS,
    // The per-process copy only makes sense in front of Redis.
    localCacheTtlMs: config.REDIS_URL ? config.ENTITLEMENT_LOCAL_CACHE_TTL_MS : 0,
  });
  // A plan edit (features, quotas, archive) reaches its holders now, not when their rows next fall due.
  catalog.onPlanChanged((planId) => refreshPlanHolders({ db, entitlements }, planId));
  const cryptoSettings = {
    toleranceBasisPoints: config.CRYPTO_UNDERPAYMENT_TOLERANCE_BPS,
    gracePeriodMs: entitlementPolicy.gracePeriodMs,
  };
  const promotions = createPromotionService({ db, clock, defaultCurrency: config.DEFAULT_CURRENCY });
  const checkout = createCheckoutService({
    db,
    catalog,
    providers,
    defaultProvider,
    defaultCurrency: config.DEFAULT_CURRENCY,
    idempotencyPrefix: config.IDEMPOTENCY_PREFIX,
    publicUrl: config.PUBLIC_URL,
    clock,
    logger,
    promotions,
  });
  const subscriptions = createSubscriptionService({
    db,
    catalog,
    entitlements,
    providers,
    idempotencyPrefix: config.IDEMPOTENCY_PREFIX,
    vaultBasisPoints: config.VAULT_CONTRIBUTION_BPS,
    clock,
    logger,
  });
  const grants = createManualGrants({ db, catalog, entitlements, clock });
  const freezes = createAccessFreezes({ db, entitlements, clock });
  const ingestWebhook = createWebhookIngest({ db, queue, clock, metrics, providers });
  const processPaymentEvent = createPaymentEventProcessor({
    db,
    queue,
    clock,
    metrics,
    logger,
    providers,
    entitlements,
    policy: {
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
      leaseMs: 120_000,
      vaultBasisPoints: config.VAULT_CONTRIBUTION_BPS,
      crypto: cryptoSettings,
    },
  });
  const sweepPaymentEvents = createPaymentEventSweeper({ db, queue, clock });
  const paymentEvents = createPaymentEventAdmin({ db, queue });
  const entitlementListeners: EntitlementListener[] = [];
  const adminKey = config.ADMIN_API_KEY ?? `adm_${randomUUID().replaceAll('-', '')}`;
  // Signs checkout and manage links and keys the /link code hashes; stable while the admin key is.
  const linkSecret = deriveLinkSecret(config.LINK_SIGNING_SECRET, adminKey);
  const referrals = createReferralService({ db, clock, publicUrl: config.PUBLIC_URL, promotions });
  const billingOverview = createBillingOverview({ db, catalog, entitlements, subscriptions, referrals });
  const links = createSignedLinks({
    catalog,
    checkout,
    subscriptions,
    referrals,
    promotions,
    providers,
    defaultProvider,
    sandboxMode: config.BILLING_PROVIDER_MODE !== 'stripe',
    defaultCurrency: config.DEFAULT_CURRENCY,
    publicUrl: config.PUBLIC_URL,
    secret: linkSecret,
    ttlMinutes: config.CHECKOUT_LINK_TTL_MINUTES,
    clock,
  });
  const access = createAccessService({ db, catalog, entitlements, queue, clock, metrics, logger });
  const notifications = createNotificationService({
    db,
    registry: access.registry,
    entitlements,
    catalog,
    clock,
    logger,
    manageUrl: async (userId) => (await links.manageLink(userId)).url,
    reminderDays: config.RENEWAL_REMINDER_DAYS,
  });
  const crypto = createCryptoService({
    db,
    entitlements,
    catalog,
    clock,
    notify: notifications.notify,
    manageUrl: async (userId) => (await links.manageLink(userId)).url,
    renewalLink: async (input) => (await links.checkoutLink({ ...input, method: 'crypto' })).url,
    reminderDays: config.RENEWAL_REMINDER_DAYS,
    settings: cryptoSettings,
    vaultBasisPoints: config.VAULT_CONTRIBUTION_BPS,
  });
  entitlementListeners.push(access.entitlementsChanged, (change) =>
    // A DM that cannot go out must not stop the listeners after it; the next change catches up.
    notifications.entitlementsChanged(change).catch((error: unknown) => {
      logger.error({ err: error, userId: change.userId }, 'entitlement notifications failed');
    }),
  );
  const autotrade = createAutotradeService({
    db,
    clock,
    logger,
    queue,
    feed:
      dependencies.priceFeed ??
      createSeededPriceFeed({
        clock,
        seed: config.AUTOTRADE_PRICE_SEED,
        tickIntervalMs: config.AUTOTRADE_PRICE_TICK_SECONDS * 1000,
        maxStepBasisPoints: config.AUTOTRADE_PRICE_STEP_BPS,
      }),
    entitlements,
    catalog,
    notify: notifications.notify,
    settings: {
      startingBalanceMinor: config.AUTOTRADE_STARTING_BALANCE_MINOR,
      positionNotionalMinor: config.AUTOTRADE_POSITION_NOTIONAL_MINOR,
      currency: config.DEFAULT_CURRENCY,
      orderTtlMs: config.AUTOTRADE_ORDER_TTL_HOURS * 3_600_000,
      reportHourUtc: config.AUTOTRADE_REPORT_HOUR_UTC,
    },
  });
  const apiAccess = await createApiAccess({
    config,
    db,
    cache,
    queue,
    clock,
    logger,
    metrics,
    entitlements,
    registry: access.registry,
    adminKey,
    redisPrefix,
  });
  const outboundWebhooks = createOutboundWebhooks({
    db,
    clock,
    queue,
    logger,
    metrics,
    entitlements,
    notifier: notifications,
    secretKey: deriveWebhookSecretKey(config.WEBHOOK_SECRET_ENCRYPTION_KEY, adminKey),
    policy: {
      allowLoopback: config.OUTBOUND_WEBHOOK_ALLOW_LOOPBACK,
      maxEndpointsPerMember: config.OUTBOUND_WEBHOOK_MAX_ENDPOINTS,
      retryBaseMs: config.OUTBOUND_WEBHOOK_RETRY_BASE_MS,
      retryMaxDelayMs: config.OUTBOUND_WEBHOOK_RETRY_MAX_DELAY_MS,
      retryWindowMs: config.OUTBOUND_WEBHOOK_RETRY_WINDOW_HOURS * 3_600_000,
      timeoutMs: config.OUTBOUND_WEBHOOK_TIMEOUT_MS,
      concurrency: config.OUTBOUND_WEBHOOK_CONCURRENCY,
      perEndpointConcurrency: config.OUTBOUND_WEBHOOK_PER_ENDPOINT_CONCURRENCY,
    },
  });
  entitlementListeners.push((change) =>
    outboundWebhooks.entitlementsChanged(change).catch((error: unknown) => {
      logger.error({ err: error, userId: change.userId }, 'outbound webhook events failed');
    }),
  );
  const quotas = createQuotaCounters({ db, clock });
  const signals = createSignalService({
    db,
    clock,
    queue,
    cache,
    logger,
    config,
    metrics,
    registry: access.registry,
    entitlements,
    catalog,
    quotas,
    upgradeUrl: createUpgradeLink({ catalog, links }),
  });
  // Paper accounts follow every published signal (one order per account and signal).
  signals.onPublished((signal) => autotrade.signalPublished(signal));
  // Members' endpoints get every published signal after their tier's delay.
  signals.onPublished((signal) => outboundWebhooks.signalPublished(signal));

  const jobHandlers = buildJobHandlers(
    [
      defineJob({
        name: processPaymentEventJob,
        payload: z.object({ eventId: z.uuid() }),
        handle: async ({ eventId }) => {
          await processPaymentEvent(eventId);
        },
      }),
      defineJob({
        name: entitlementsChangedJob,
        payload: z.object({ userId: z.uuid(), version: z.number().int() }),
        handle: async (change) => {
          for (const listener of entitlementListeners) await listener(change);
        },
      }),
      defineJob({
        name: accessReconcileJob,
        payload: z.object({ userId: z.uuid() }),
        handle: async ({ userId }) => {
          await access.reconcileUser(userId);
        },
      }),
      ...apiAccess.jobs,
      ...outboundWebhooks.jobs,
      ...signals.jobs,
      ...autotrade.jobs,
    ],
    logger,
  );

  const tasks: Array<{ stop: () => unknown }> = [];
  const linking = createLinkCodes({
    db,
    cache,
    clock,
    queue,
    entitlements,
    secret: linkSecret,
    ttlMinutes: config.LINK_CODE_TTL_MINUTES,
  });
  const members = createMemberDirectory({ db, clock, entitlements, subscriptions });
  const webSessions = createWebSessionService({ db, clock });
  const salesContacts = createSalesContactService({
    db,
    clock,
    catalog,
    registry: access.registry,
    moderatorIds: config.MODERATOR_IDS,
    logger,
  });
  // One computation behind `/admin stats`, `GET /admin/revenue` and the MRR metric.
  const businessFigures = createBusinessFigures({ db, clock, policy: entitlementPolicy });
  const funnel = createFunnelService({ db, clock, logger });
  const featureFlags = createFeatureFlags({ db, clock });
  const figureHistory = createFigureHistory({ db, clock, businessFigures });
  const adminWeb = createAdminWeb({
    db,
    clock,
    adminKey,
    encryptionKey: config.WEBHOOK_SECRET_ENCRYPTION_KEY,
    publicUrl: config.PUBLIC_URL,
  });

  metrics.collectors.queueDepth = () => queue.depth();
  // Only the recurring part: a scrape must not also sum the ledger.
  metrics.collectors.monthlyRecurringRevenue = async () =>
    (await businessFigures.monthlyRecurringRevenue()).map((entry) => ({
      currency: entry.currency,
      amountMinor: entry.amount_minor,
    }));
  metrics.collectors.webhookBacklog = () => paymentEvents.countByStatus(['pending', 'failed', 'dead']);

  return {
    config,
    clock,
    logger,
    database,
    db,
    cache,
    queue,
    metrics,
    adminKey,
    catalog,
    users,
    providers,
    sandbox,
    entitlements,
    checkout,
    subscriptions,
    billingOverview,
    crypto,
    grants,
    freezes,
    ingestWebhook,
    processPaymentEvent,
    sweepPaymentEvents,
    paymentEvents,
    links,
    linking,
    referrals,
    promotions,
    quotas,
    members,
    webSessions,
    salesContacts,
    businessFigures,
    funnel,
    featureFlags,
    adminWeb,
    figureHistory,
    access,
    notifications,
    signals,
    delayedSignals: createDelayedSignals({ db, clock }),
    autotrade,
    apiKeys: apiAccess.apiKeys,
    auth: apiAccess.auth,
    apiRateLimit: apiAccess.apiRateLimit,
    rateLimiter: apiAccess.limiter,
    emailOutbox: apiAccess.outbox,
    outboundWebhooks,
    revenueReport: (period: { from: Date; to: Date }) => buildRevenueReport(db, businessFigures, period),
    syncProviderPrices: (providerName: string) =>
      syncProviderPrices(catalog, providers.get(providerName), config.IDEMPOTENCY_PREFIX),

    setSandboxDelivery(delivery: SandboxDelivery) {
      sandboxDelivery = delivery;
    },
    onEntitlementsChanged(listener: EntitlementListener) {
      entitlementListeners.push(listener);
    },

    /** Schema and seed: run at boot in embedded mode and by `npm run db:migrate`. */
    async prepareDatabase() {
      await database.withMigrationLock(async () => {
        await database.migrate();
        if (!config.SEED_CATALOG) return;
        const insertedPlans = await catalog.seed();
        if (insertedPlans.length > 0) logger.info({ plans: insertedPlans }, 'catalog seeded');
      });
    },

    /** Consume jobs and run the schedules (worker role). Tests drive the sweepers themselves. */
    async startWorker(options: { schedules?: boolean } = {}) {
      await queue.startWorker(jobHandlers);
      if (options.schedules === false) return;
      const everyMinute = '0 * * * * *';
      // UTC wherever the server runs: members are everywhere (and some zones are offset by half an hour).
      const utc = { timezone: 'Etc/UTC' };
      const schedule = (expression: string, what: string, work: () => Promise<unknown>, cronOptions = {}) =>
        cron.schedule(
          expression,
          () => {
            work().catch((error: unknown) => logger.error({ err: error }, `${what} failed`));
          },
          cronOptions,
        );
      tasks.push(
        schedule(config.WEBHOOK_SWEEP_CRON, 'webhook sweep', () => sweepPaymentEvents()),
        schedule(everyMinute, 'entitlement sweep', () => entitlements.sweepDue()),
        schedule(config.ACCESS_RECONCILE_CRON, 'access reconcile', () => access.reconcileAll()),
        schedule(everyMinute, 'receipt sweep', () => notifications.sweepReceipts()),
        schedule('0 0 9 * * *', 'renewal reminders', () => notifications.sendRenewalReminders(), utc),
        // Crypto subscriptions have no processor to renew or end them: our clock does, every minute.
        schedule(everyMinute, 'crypto subscription clock', () => crypto.runClock()),
        schedule('0 0 9 * * *', 'crypto renewal reminders', () => crypto.sendRenewalReminders(), utc),
        schedule(config.AUTOTRADE_MATCH_CRON, 'autotrade matching', () => autotrade.matchPositions()),
        // Hourly: the report goes out at AUTOTRADE_REPORT_HOUR_UTC, or at the next run after it (once a day, by key).
        schedule('0 0 * * * *', 'autotrade reports', () => autotrade.sendDailyReports(), utc),
        schedule(everyMinute, 'autotrade signal sweep', () => autotrade.sweepUnfollowedSignals()),
        schedule(config.OUTBOUND_WEBHOOK_SWEEP_CRON, 'outbound webhook sweep', () => outboundWebhooks.sweep()),
        schedule(config.SIGNAL_SWEEP_CRON, 'signal sweep', () => signals.sweep()),
        // The dashboard's MRR and active history: one point a day, just after midnight UTC.
        schedule('0 5 0 * * *', 'business figure snapshot', () => figureHistory.record(), utc),
      );
      // Whatever was stored while no worker ran is picked up now, not at the first tick.
      await sweepPaymentEvents();
    },

    /** Each dependency probed within a bound; see core/readiness.ts for why only the database is required. */
    ready: () =>
      checkReadiness({
        database: { probe: () => database.ping(), required: true },
        cache: { probe: cache.ping?.bind(cache), required: false },
        queue: { probe: queue.ping?.bind(queue), required: false },
      }),

    async close() {
      for (const task of tasks) task.stop();
      // Sends in flight finish (each within its timeout) before the database goes away.
      await outboundWebhooks.close();
      await funnel.settle();
      await queue.close();
      await cache.close();
      await apiAccess.close();
      if (!dependencies.database) await database.close();
    },
  };
}

export type Core = Awaited<ReturnType<typeof createCore>>;
