import { eq, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { type Core, createCore } from '../../core/index.js';
import type { FakeStripe, StripeEvent } from '../../core/testing/fake-stripe-server.js';
import { billingLedger, checkoutSessions, paymentEvents, purchases, subscriptions } from '../../db/schema/index.js';
import { buildApp } from '../app.js';
import {
  compareText,
  dayMs,
  iso,
  minuteMs,
  openStripeTestShop,
  primarySecret,
  type StripeTestShop,
} from './stripe-test-shop.js';

/** Mulberry32: a tiny seeded generator, so a failing order can be replayed from its seed. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
};

export const shuffled = <T>(items: readonly T[], seed: number): T[] => {
  const random = seededRandom(seed);
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
};

/** Every held event delivered `copies` times, shuffled, `concurrency` at a time, alternating between two apps. */
export interface StormDelivery {
  copies: number;
  concurrency: number;
}

interface PeerApp {
  core: Core;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A second deployment of the same shop: its own core (caches, queue worker, connection pool
 * user) and HTTP app on the shared database and clock, as a second process would be.
 */
async function openPeerApp(shop: StripeTestShop): Promise<PeerApp> {
  const { core: first, clock } = shop.harness;
  const core = await createCore({ config: first.config, clock, database: first.database, logger: first.logger });
  await core.startWorker({ schedules: false });
  const app = await buildApp(core, { docs: false });
  await app.ready();
  return {
    core,
    app,
    async close() {
      await app.close();
      await core.close();
    },
  };
}

async function deliverStorm(
  shop: StripeTestShop,
  peer: PeerApp,
  events: StripeEvent[],
  seed: number,
  storm: StormDelivery,
) {
  const copies = shuffled(
    events.flatMap((event) => Array.from({ length: storm.copies }, () => event)),
    seed,
  );
  const apps = [shop.harness.app, peer.app];
  let next = 0;
  const answers: number[] = [];
  const sender = async () => {
    for (let index = next++; index < copies.length; index = next++) {
      const { body, signature } = shop.sign(copies[index]!, primarySecret);
      const response = await apps[index % 2]!.inject({
        method: 'POST',
        url: '/v1/webhooks/stripe',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        payload: body,
      });
      answers.push(response.statusCode);
    }
  };
  await Promise.all(Array.from({ length: storm.concurrency }, sender));
  expect(answers.filter((status) => status !== 200)).toEqual([]);
  expect(answers).toHaveLength(events.length * storm.copies);
}

/** Both deployments run their jobs until every stored event is done (the shop's own settle, twice over). */
async function settleBoth(shop: StripeTestShop, peer: PeerApp) {
  for (let round = 0; round < 40; round += 1) {
    await shop.harness.drain();
    for (let drained = 0; drained < 5; drained += 1) await peer.core.queue.idle();
    const open = await shop.db
      .select({ id: paymentEvents.id })
      .from(paymentEvents)
      .where(inArray(paymentEvents.status, ['pending', 'processing', 'failed']));
    if (open.length === 0) break;
    shop.advance(10 * minuteMs);
    await shop.harness.core.sweepPaymentEvents();
  }
  await shop.settle();
}

/**
 * Four members on a fresh shop whose clock starts at the same instant every run:
 * A subscribes, renews, cancels at period end and ends; B is partly refunded and wins a
 * dispute; C is fully refunded; D loses a dispute. `order: 'live'` delivers each event as it
 * happens; a seed collects every event and delivers them all afterwards in shuffled order.
 * Returns what the shop ends up knowing, without ids that differ between runs.
 */ export async function runStripeLifecycle(fake: FakeStripe, order: 'live' | number, storm?: StormDelivery) {
  const shop = await openStripeTestShop(fake);
  const peer = storm ? await openPeerApp(shop) : undefined;
  try {
    const start = shop.harness.clock.now().getTime();
    const held: StripeEvent[] = [];
    const happened = async (events: StripeEvent[]) => {
      if (order !== 'live') {
        held.push(...events);
        return;
      }
      await shop.deliver(events);
      await shop.settle();
    };
    const onDay = (day: number) => shop.at(new Date(start + day * dayMs));

    const a = await shop.buy('a@example.com');
    await happened(a.events);
    const periodEnd = () => {
      const items = fake.object('subscription', a.subscriptionId)!['items'] as {
        data: Array<{ current_period_end: number }>;
      };
      return new Date(items.data[0]!.current_period_end * 1000);
    };
    shop.at(periodEnd());
    await happened(fake.renewSubscription(a.subscriptionId));
    onDay(35);
    await happened(fake.cancelAtPeriodEnd(a.subscriptionId));

    onDay(40);
    const b = await shop.buy('b@example.com');
    const c = await shop.buy('c@example.com');
    const d = await shop.buy('d@example.com');
    await happened([...b.events, ...c.events, ...d.events]);
    onDay(41);
    await happened([...fake.refundCharge(b.paymentIntentId, 1000), ...fake.refundCharge(c.paymentIntentId)]);
    onDay(42);
    const bDispute = fake.openDispute(b.paymentIntentId);
    const dDispute = fake.openDispute(d.paymentIntentId);
    await happened([...bDispute, ...dDispute]);
    onDay(45);
    await happened([
      ...fake.closeDispute(bDispute[0]!.data.object.id, 'won'),
      ...fake.closeDispute(dDispute[0]!.data.object.id, 'lost'),
    ]);
    shop.at(periodEnd());
    await happened(fake.endSubscription(a.subscriptionId));

    if (order !== 'live') {
      shop.advance(60 * minuteMs);
      if (storm && peer) {
        await deliverStorm(shop, peer, held, order, storm);
        await settleBoth(shop, peer);
      } else {
        await shop.deliver(shuffled(held, order));
        await shop.settle();
      }
    }

    onDay(65);
    const outcome: Record<string, unknown> = {};
    for (const [role, member] of Object.entries({ a, b, c, d })) {
      const subscriptionRows = await shop.db
        .select()
        .from(subscriptions)
        .where(eq(subscriptions.userId, member.userId));
      const purchaseRows = await shop.db.select().from(purchases).where(eq(purchases.userId, member.userId));
      const ledgerRows = await shop.db.select().from(billingLedger).where(eq(billingLedger.userId, member.userId));
      const { user_id: _userId, version: _version, ...entitlements } = await shop.refreshedEntitlements(member.userId);
      const [checkoutRow] = await shop.db
        .select()
        .from(checkoutSessions)
        .where(eq(checkoutSessions.id, member.answer.session_id));
      outcome[role] = {
        checkout: checkoutRow?.status,
        subscriptions: subscriptionRows.map((row) => ({
          planId: row.planId,
          planPriceId: row.planPriceId,
          addons: row.addons,
          status: row.status,
          cancelAtPeriodEnd: row.cancelAtPeriodEnd,
          currentPeriodStart: iso(row.currentPeriodStart),
          currentPeriodEnd: iso(row.currentPeriodEnd),
          trialEnd: iso(row.trialEnd),
          canceledAt: iso(row.canceledAt),
          endedAt: iso(row.endedAt),
          pastDueSince: iso(row.pastDueSince),
        })),
        purchases: purchaseRows
          .map((row) => ({
            kind: row.kind,
            planId: row.planId,
            planPriceId: row.planPriceId,
            amountMinor: row.amountMinor,
            currency: row.currency,
            paidAt: iso(row.paidAt),
            periodStart: iso(row.periodStart),
            periodEnd: iso(row.periodEnd),
            amountRefundedMinor: row.amountRefundedMinor,
            refundedAt: iso(row.refundedAt),
            disputeStatus: row.disputeStatus,
          }))
          .sort((left, right) => compareText(String(left.periodStart), String(right.periodStart))),
        ledger: ledgerRows
          .map((row) => ({
            account: row.account,
            kind: row.kind,
            amountMinor: row.amountMinor,
            currency: row.currency,
            occurredAt: iso(row.occurredAt),
          }))
          .sort((left, right) => compareText(JSON.stringify(left), JSON.stringify(right))),
        ledgerSum: ledgerRows.reduce((sum, row) => sum + row.amountMinor, 0),
        entitlements,
      };
    }
    const events = await shop.db.select({ status: paymentEvents.status }).from(paymentEvents);
    outcome['events'] = events.reduce<Record<string, number>>((counts, event) => {
      counts[event.status] = (counts[event.status] ?? 0) + 1;
      return counts;
    }, {});
    return outcome;
  } finally {
    await peer?.close();
    await shop.close();
  }
}
