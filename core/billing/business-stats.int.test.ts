import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-core.js';

describe('business stats for moderators', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  async function subscribe(externalId: string, planId: string) {
    const userId = (await harness.createUser({ platform: 'discord', external_id: externalId })).id;
    const link = await harness.core.links.checkoutLink({ userId, planId, method: 'card' });
    const opened = await harness.app.inject({ method: 'GET', url: new URL(link.url).pathname });
    expect(opened.statusCode).toBe(303);
    const checkoutPath = new URL(String(opened.headers.location)).pathname;
    expect((await harness.app.inject({ method: 'POST', url: `${checkoutPath}/pay` })).statusCode).toBe(200);
    await harness.drain();
    return userId;
  }

  it('count MRR, paying members by plan, and subscriptions started and ended this calendar month', async () => {
    expect(await harness.core.stats.summary()).toEqual({
      mrr: [],
      activeByPlan: {},
      newThisMonth: 0,
      churnedThisMonth: 0,
    });
    await subscribe('5001', 'pro');
    await subscribe('5002', 'pro');
    await subscribe('5003', 'core');
    const leaver = await subscribe('5004', 'core');
    await harness.core.subscriptions.cancel({ userId: leaver, atPeriodEnd: false }, 'test');
    await harness.drain();
    const free = (await harness.createUser({ platform: 'discord', external_id: '5005' })).id;
    await harness.core.entitlements.get(free);

    expect(await harness.core.stats.summary()).toEqual({
      mrr: [{ currency: 'usd', amount_minor: 4900 * 2 + 900 }],
      activeByPlan: { pro: 2, core: 1 },
      newThisMonth: 4,
      churnedThisMonth: 1,
    });

    // A month later, those were last month's arrivals and departures.
    harness.clock.set('2026-12-01T00:00:00.000Z');
    expect(await harness.core.stats.summary()).toMatchObject({ newThisMonth: 0, churnedThisMonth: 0 });
  });
});
