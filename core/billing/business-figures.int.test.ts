import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandActor } from '../../bots/command-types.js';
import { createCommandRouter } from '../../bots/commands.js';
import { formatMoney } from '../../bots/reply-format.js';
import { sandboxShop } from '../testing/sandbox-shop.js';
import { adminHeaders, createTestApp, type TestApp } from '../testing/test-core.js';
import { applySubscriptionSnapshot } from './apply-subscription-snapshot.js';
import type { RevenueReport } from './revenue-report.js';

const dayMs = 86_400_000;

/**
 * A scripted month on the real database, through the sandbox money path (and recorded facts for
 * the one thing the sandbox cannot do, a trial). The figures are checked by hand, exactly.
 */
describe('business figures: one computation for /admin stats and GET /admin/revenue', () => {
  let harness: TestApp;
  const shop = sandboxShop(() => harness);
  const moderator: CommandActor = {
    platform: 'console',
    externalId: 'owner',
    username: 'owner',
    platformModerator: true,
  };

  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  const at = (iso: string) => harness.clock.set(iso);
  const member = async (name: string) => (await harness.createUser({ email: `${name}@example.com` })).id;
  const post = async (url: string, payload?: Record<string, unknown>) => {
    const response = await harness.app.inject({ method: 'POST', url, headers: adminHeaders, payload });
    expect(response.statusCode, response.body).toBeLessThan(300);
    await harness.drain();
    return response;
  };
  /** Checkout through the API (interval, promo code) and pay on the hosted sandbox page. */
  const subscribe = async (name: string, planId: string, options: { interval?: string; promo?: string } = {}) => {
    const userId = await member(name);
    const checkout = await post('/v1/billing/checkout-session', {
      user_id: userId,
      plan_id: planId,
      ...(options.interval ? { interval: options.interval } : {}),
      ...(options.promo ? { promo_code: options.promo } : {}),
    });
    const path = new URL(checkout.json<{ url: string }>().url).pathname;
    await post(`${path}/pay`);
    return userId;
  };
  const subscriptionId = async (userId: string) => (await shop.subscriptionOf(userId)).id;
  const latestPaymentId = async (userId: string) => {
    const id = await subscriptionId(userId);
    const payments = (await shop.objects('payment')).filter((row) => row.data.subscription === id);
    return payments.sort((left, right) => Number(right.data.created) - Number(left.data.created))[0]!.id;
  };
  const report = async (query = '') => {
    const response = await harness.app.inject({ method: 'GET', url: `/admin/revenue${query}`, headers: adminHeaders });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<RevenueReport>();
  };
  const adminStats = async () => {
    const router = createCommandRouter(harness.core);
    const reply = await router.run(moderator, router.parse('/admin stats')!);
    return Object.fromEntries((reply.fields ?? []).map((field) => [field.label, field.value]));
  };

  it('MRR, active by plan, new, churned and churn rate are exact over a month, and chat and web agree', async () => {
    await post('/admin/promotions', { code: 'FIRST20', percent_off: 20, duration: 'once' });
    await post('/admin/promotions', { code: 'FIVEOFF', amount_off_minor: 500, duration: 'forever' });

    // October: six subscriptions live when November starts.
    at('2026-10-15T12:00:00.000Z');
    const renewing = await subscribe('renewing', 'pro'); // 4900 a month
    await subscribe('annual-core', 'core', { interval: 'year' }); // 9000 a year
    const refunded = await subscribe('refunded', 'pro');
    const disputed = await subscribe('disputed', 'vip'); // 19900 a month
    const ending = await subscribe('ending', 'core');
    const firstMonthOff = await subscribe('first-month-off', 'pro', { promo: 'FIRST20' }); // 3920, then 4900

    // November.
    at('2026-11-02T12:00:00.000Z');
    await subscribe('five-off', 'pro', { promo: 'FIVEOFF' }); // 4400 for good
    // The once-off discount still covers the first period (Oct 15 - Nov 15).
    expect((await harness.core.businessFigures.monthToDate()).mrr).toEqual([
      { currency: 'usd', amount_minor: 4900 + 9000 / 12 + 4900 + 19_900 + 900 + 3920 + 4400 },
    ]);

    at('2026-11-03T12:00:00.000Z');
    await subscribe('annual-pro', 'pro', { interval: 'year' }); // 49000 a year

    // A trial, as a provider with trials (Stripe) reports it: recorded facts.
    at('2026-11-04T12:00:00.000Z');
    const trialist = await member('trialist');
    await harness.core.db.transaction((transaction) =>
      applySubscriptionSnapshot(
        transaction,
        'stripe',
        {
          providerSubscriptionId: 'sub_trial_figures',
          providerCustomerId: null,
          userId: trialist,
          status: 'trialing',
          items: [{ planPriceId: 'vip_month_usd_v1', providerPriceId: null, quantity: 1 }],
          cancelAtPeriodEnd: false,
          currentPeriodStart: new Date('2026-11-04T12:00:00.000Z'),
          currentPeriodEnd: new Date('2026-11-18T12:00:00.000Z'),
          trialEnd: new Date('2026-11-18T12:00:00.000Z'),
          canceledAt: null,
          endedAt: null,
          observedAt: 1,
        },
        harness.clock.now(),
      ),
    );

    at('2026-11-05T12:00:00.000Z');
    const lateInGrace = await subscribe('late-in-grace', 'core');
    const lateBeyondGrace = await subscribe('late-beyond-grace', 'core');
    at('2026-11-06T12:00:00.000Z');
    await post(`/admin/sandbox/subscriptions/${await subscriptionId(lateBeyondGrace)}/fail-payment`);

    at('2026-11-07T12:00:00.000Z');
    const leaving = await subscribe('leaving', 'pro');
    await shop.cancelAtPeriodEnd(leaving);

    at('2026-11-10T12:00:00.000Z');
    await post(`/admin/sandbox/payments/${await latestPaymentId(refunded)}/refund`);
    at('2026-11-11T12:00:00.000Z');
    await post(`/admin/sandbox/payments/${await latestPaymentId(disputed)}/dispute`);
    const [dispute] = await shop.objects('dispute');
    at('2026-11-12T12:00:00.000Z');
    await post(`/admin/sandbox/disputes/${dispute!.id}/close`, { outcome: 'lost' });
    at('2026-11-13T12:00:00.000Z');
    await post(`/admin/sandbox/subscriptions/${await subscriptionId(ending)}/end`);

    at('2026-11-14T12:00:00.000Z');
    await post(`/admin/sandbox/subscriptions/${await subscriptionId(lateInGrace)}/fail-payment`);
    at('2026-11-15T12:00:00.000Z');
    await post(`/admin/sandbox/subscriptions/${await subscriptionId(renewing)}/renew`);
    await post(`/admin/sandbox/subscriptions/${await subscriptionId(firstMonthOff)}/renew`);
    // A moderator's grant gives access but no money: shown apart, never in MRR or active.
    await harness.core.grants.grant(
      { userId: await member('granted'), planId: 'vip', days: 30, expiresAt: null, reason: 'helper' },
      'test',
    );

    at('2026-11-16T12:00:00.000Z');
    const figures = await report();
    expect(figures).toMatchObject({
      as_of: '2026-11-16T12:00:00.000Z',
      period: { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' },
      // Monthly: renewing 4900, first-month-off 4900 (its discount is over), five-off 4400,
      // trialist 19900, late-in-grace 900, leaving 4900 (cancels at period end) = 39900.
      // Annual: (9000 + 49000) / 12 = 4833.33 -> 4833. Refunded, charged back, ended and
      // beyond grace count nowhere.
      mrr: [{ currency: 'usd', amount_minor: 39_900 + 4833 }],
      active_subscriptions: [
        { plan_id: 'core', count: 2 },
        { plan_id: 'pro', count: 5 },
        { plan_id: 'vip', count: 1 },
      ],
      granted_by_plan: [{ plan_id: 'vip', count: 1 }],
      // five-off, annual-pro, trialist, late-in-grace, late-beyond-grace, leaving.
      new_subscriptions: 6,
      // refunded (Nov 10), disputed (lost Nov 12), ending (Nov 13).
      churned_subscriptions: 3,
      live_at_period_start: 6,
      churn_rate_bps: 5000,
    });

    // The MRR metric reads only what may still grant access, and finds the same figure.
    expect(await harness.core.businessFigures.monthlyRecurringRevenue()).toEqual(figures.mrr);

    // The same moment in chat: every figure is the report's.
    expect(await adminStats()).toEqual({
      MRR: formatMoney(39_900 + 4833, 'usd'),
      'Active by plan': 'core: 2, pro: 5, vip: 1',
      'Granted by moderators (no money)': 'vip: 1',
      'New subscriptions': '6',
      Churned: '3',
      'Churn rate': '50.00% of 6',
    });

    // October, asked for explicitly: six started, none ended, nothing live at its start.
    expect(await report('?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z')).toMatchObject({
      new_subscriptions: 6,
      churned_subscriptions: 0,
      live_at_period_start: 0,
      churn_rate_bps: null,
    });

    // Grace runs out for late-in-grace (3 days from Nov 14): out of MRR and active, not churned.
    harness.clock.advance(2 * dayMs);
    expect(await report()).toMatchObject({
      mrr: [{ currency: 'usd', amount_minor: 39_900 - 900 + 4833 }],
      active_subscriptions: [
        { plan_id: 'core', count: 1 },
        { plan_id: 'pro', count: 5 },
        { plan_id: 'vip', count: 1 },
      ],
      churned_subscriptions: 3,
    });
    expect(await harness.core.businessFigures.monthlyRecurringRevenue()).toEqual([
      { currency: 'usd', amount_minor: 39_900 - 900 + 4833 },
    ]);
  });
});
