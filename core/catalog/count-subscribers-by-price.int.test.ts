import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptions } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../testing/test-core.js';

describe('subscribers per price version', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  it('counts current subscriptions on each tier and add-on price version, and leaves out ended or unpaid ones', async () => {
    const rows = [
      {
        status: 'active',
        planPriceId: 'pro_month_usd_v1',
        addons: [{ planId: 'addon_seat', planPriceId: 'addon_seat_month_usd_v1', quantity: 3 }],
      },
      { status: 'past_due', planPriceId: 'pro_month_usd_v1', addons: [] },
      {
        status: 'trialing',
        planPriceId: 'pro_year_usd_v1',
        addons: [{ planId: 'addon_seat', planPriceId: 'addon_seat_month_usd_v1', quantity: 1 }],
      },
      {
        status: 'canceled',
        planPriceId: 'pro_month_usd_v1',
        addons: [{ planId: 'addon_seat', planPriceId: 'addon_seat_month_usd_v1', quantity: 1 }],
      },
      { status: 'incomplete', planPriceId: 'pro_month_usd_v1', addons: [] },
    ];
    for (const [index, row] of rows.entries()) {
      const user = await harness.createUser({ email: `count-${index}@example.com` });
      await harness.core.db.insert(subscriptions).values({
        userId: user.id,
        provider: 'sandbox',
        providerSubscriptionId: `sbx_sub_count_${index}`,
        planId: 'pro',
        planPriceId: row.planPriceId,
        addons: row.addons,
        status: row.status,
        observedAt: 1,
      });
    }
    const counts = await harness.core.catalog.subscribersByPrice();
    expect(Object.fromEntries(counts)).toEqual({
      pro_month_usd_v1: 2,
      pro_year_usd_v1: 1,
      addon_seat_month_usd_v1: 2,
    });
  });
});
