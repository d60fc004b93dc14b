import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandActor } from '../../bots/command-types.js';
import { createCommandRouter } from '../../bots/commands.js';
import { findCheckoutLink, payCheckoutLink } from '../../bots/testing/pay-checkout-link.js';
import { checkoutSessions, funnelEvents, paymentEvents } from '../../db/schema/index.js';
import { adminHeaders, createTestApp, type TestApp } from '../testing/test-core.js';

/**
 * The conversion funnel is recorded where each step happens (the bot's /tiers, checkout
 * creation, the payment webhook, the pricing page), counts each step once however often it
 * is retried, and adds up per platform.
 */
describe('conversion funnel', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  const actor = (platform: CommandActor['platform'], externalId: string): CommandActor => ({
    platform,
    externalId,
    username: `member${externalId}`,
    platformModerator: false,
  });
  const eventsOf = async (userId: string) =>
    harness.core.db
      .select({ event: funnelEvents.event, platform: funnelEvents.platform, planId: funnelEvents.planId })
      .from(funnelEvents)
      .where(eq(funnelEvents.userId, userId))
      .orderBy(funnelEvents.id);
  const userOf = async (platform: string, externalId: string) =>
    (await harness.createUser({ platform, external_id: externalId, username: `member${externalId}` })).id;

  it('a purchase started in Telegram is counted as viewed, opened and paid on telegram', async () => {
    const router = createCommandRouter(harness.core);
    const member = actor('telegram', '7001');
    await router.run(member, { name: 'tiers', args: {} });
    const reply = await router.run(member, { name: 'subscribe', args: { plan: 'pro' } });
    await payCheckoutLink(harness, findCheckoutLink(reply.text));

    const userId = await userOf('telegram', '7001');
    expect(await eventsOf(userId)).toEqual([
      { event: 'tiers_viewed', platform: 'telegram', planId: null },
      { event: 'checkout_opened', platform: 'telegram', planId: 'pro' },
      { event: 'checkout_completed', platform: 'telegram', planId: 'pro' },
    ]);
  });

  it('running /tiers again the same day, and a second opening of the same link, count once', async () => {
    const router = createCommandRouter(harness.core);
    const member = actor('discord', '7101');
    await router.run(member, { name: 'tiers', args: {} });
    await router.run(member, { name: 'tiers', args: {} });
    const reply = await router.run(member, { name: 'subscribe', args: { plan: 'core' } });
    const link = findCheckoutLink(reply.text);
    // The second opening reuses the open checkout: the member did not start a second one.
    for (let attempt = 0; attempt < 2; attempt += 1)
      expect((await harness.app.inject({ method: 'GET', url: new URL(link).pathname })).statusCode).toBe(303);

    const userId = await userOf('discord', '7101');
    expect((await eventsOf(userId)).map((row) => row.event)).toEqual(['tiers_viewed', 'checkout_opened']);
    harness.clock.advance(86_400_000);
    await router.run(member, { name: 'tiers', args: {} });
    expect((await eventsOf(userId)).map((row) => row.event)).toEqual([
      'tiers_viewed',
      'checkout_opened',
      'tiers_viewed',
    ]);
  });

  it('a replayed checkout webhook does not count the purchase twice', async () => {
    const router = createCommandRouter(harness.core);
    const member = actor('slack', 'U7201');
    const reply = await router.run(member, { name: 'subscribe', args: { plan: 'pro' } });
    await payCheckoutLink(harness, findCheckoutLink(reply.text));
    const userId = await userOf('slack', 'U7201');
    const [checkout] = await harness.core.db
      .select({ providerSessionId: checkoutSessions.providerSessionId })
      .from(checkoutSessions)
      .where(eq(checkoutSessions.userId, userId));
    const events = await harness.core.db
      .select({ id: paymentEvents.id, type: paymentEvents.eventType })
      .from(paymentEvents)
      .where(sql`${paymentEvents.payload}::text like ${`%${checkout!.providerSessionId}%`}`);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) await harness.core.paymentEvents.replay(event.id, 'admin:api-key');
    await harness.drain();

    expect((await eventsOf(userId)).map((row) => row.event)).toEqual(['checkout_opened', 'checkout_completed']);
  });

  it('a checkout opened through the API is counted on the platform it names, the web by default', async () => {
    const webUser = (await harness.createUser({ email: 'funnel-web@example.com' })).id;
    const discordUser = (await harness.createUser({ email: 'funnel-discord@example.com' })).id;
    for (const [userId, source] of [
      [webUser, undefined],
      [discordUser, 'discord'],
    ] as const) {
      const response = await harness.app.inject({
        method: 'POST',
        url: '/v1/billing/checkout-session',
        headers: adminHeaders,
        payload: { user_id: userId, plan_id: 'pro', ...(source ? { source } : {}) },
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    expect(await eventsOf(webUser)).toEqual([{ event: 'checkout_opened', platform: 'web', planId: 'pro' }]);
    expect(await eventsOf(discordUser)).toEqual([{ event: 'checkout_opened', platform: 'discord', planId: 'pro' }]);
  });

  it('a pricing page view counts once a day per visitor; anonymous views without a visitor each count', async () => {
    const before = await harness.core.db.select({ count: sql<string>`count(*)` }).from(funnelEvents);
    await harness.core.funnel.recordView({ event: 'pricing_viewed', platform: 'web', visitorKey: 'session-1' });
    await harness.core.funnel.recordView({ event: 'pricing_viewed', platform: 'web', visitorKey: 'session-1' });
    await harness.core.funnel.recordView({ event: 'pricing_viewed', platform: 'web' });
    await harness.core.funnel.recordView({ event: 'pricing_viewed', platform: 'web' });
    const after = await harness.core.db.select({ count: sql<string>`count(*)` }).from(funnelEvents);
    expect(Number(after[0]!.count) - Number(before[0]!.count)).toBe(3);
  });

  it('showing the web pricing page counts a pricing view on the web, once a day for a signed-in member', async () => {
    const count = async () =>
      Number(
        (
          await harness.core.db
            .select({ count: sql<string>`count(*)` })
            .from(funnelEvents)
            .where(eq(funnelEvents.event, 'pricing_viewed'))
        )[0]!.count,
      );
    const before = await count();
    expect((await harness.app.inject({ method: 'GET', url: '/pricing' })).statusCode).toBe(200);
    // The page does not wait for its view to be written.
    await harness.core.funnel.settle();
    expect(await count()).toBe(before + 1);
    const member = (await harness.createUser({ email: 'funnel-pricing@example.com' })).id;
    const { token } = await harness.core.webSessions.create(member, 'email');
    for (let view = 0; view < 2; view += 1)
      expect(
        (await harness.app.inject({ method: 'GET', url: '/pricing', headers: { cookie: `session=${token}` } }))
          .statusCode,
      ).toBe(200);
    await harness.core.funnel.settle();
    expect(await eventsOf(member)).toEqual([{ event: 'pricing_viewed', platform: 'web', planId: null }]);
  });

  it('funnel rows cannot be changed or deleted: the database refuses', async () => {
    await expect(harness.core.db.delete(funnelEvents)).rejects.toThrow();
    await expect(harness.core.db.update(funnelEvents).set({ platform: 'web' })).rejects.toThrow();
  });

  it('the report counts each stage per platform over the period, with the conversion between stages', async () => {
    const { app, clock } = await createTestApp().then((fresh) => ({ app: fresh, clock: fresh.clock }));
    try {
      clock.set('2026-03-10T12:00:00Z');
      const router = createCommandRouter(app.core);
      for (const externalId of ['1', '2', '3', '4'])
        await router.run(actor('discord', externalId), { name: 'tiers', args: {} });
      const buyer = actor('discord', '1');
      const reply = await router.run(buyer, { name: 'subscribe', args: { plan: 'pro' } });
      await payCheckoutLink(app, findCheckoutLink(reply.text));
      const browser = actor('discord', '2');
      const opened = await router.run(browser, { name: 'subscribe', args: { plan: 'pro' } });
      await app.app.inject({ method: 'GET', url: new URL(findCheckoutLink(opened.text)).pathname });
      await app.core.funnel.recordView({ event: 'pricing_viewed', platform: 'web', visitorKey: 'visitor' });

      const report = await app.core.funnel.report({
        from: new Date('2026-03-01T00:00:00Z'),
        to: new Date('2026-04-01T00:00:00Z'),
      });
      const discord = report.platforms.find((row) => row.platform === 'discord');
      expect(discord).toEqual({
        platform: 'discord',
        tiers_viewed: 4,
        pricing_viewed: 0,
        viewed: 4,
        checkout_opened: 2,
        checkout_completed: 1,
        opened_per_viewed_bps: 5000,
        completed_per_opened_bps: 5000,
        completed_per_viewed_bps: 2500,
      });
      expect(report.platforms.find((row) => row.platform === 'web')).toMatchObject({
        pricing_viewed: 1,
        viewed: 1,
        checkout_opened: 0,
        completed_per_opened_bps: null,
      });
      expect(report.platforms.map((row) => row.platform)).toEqual(['discord', 'telegram', 'slack', 'web', 'console']);
      expect(report.total).toMatchObject({ viewed: 5, checkout_opened: 2, checkout_completed: 1 });

      // Another month sees none of it; GET /admin/funnel answers the same report.
      const empty = await app.core.funnel.report({
        from: new Date('2026-04-01T00:00:00Z'),
        to: new Date('2026-05-01T00:00:00Z'),
      });
      expect(empty.total.viewed).toBe(0);
      const response = await app.app.inject({
        method: 'GET',
        url: '/admin/funnel?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z',
        headers: adminHeaders,
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual(report);
    } finally {
      await app.close();
    }
  });
});
