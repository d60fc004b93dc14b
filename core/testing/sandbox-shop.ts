import { expect } from 'vitest';
import { adminHeaders, type TestApp } from './test-core.js';

export interface SandboxObject {
  id: string;
  kind: string;
  createdAt: string;
  data: Record<string, unknown> & { metadata?: Record<string, string> };
}

/**
 * Test-only: buys, cancels, fails and refunds through the public routes the way a member, a
 * bank and a moderator would, then lets every webhook and side effect run.
 */
export function sandboxShop(harness: () => TestApp) {
  const app = () => harness().app;
  const post = async (url: string, payload?: Record<string, unknown>) => {
    const response = await app().inject({
      method: 'POST',
      url,
      headers: adminHeaders,
      ...(payload ? { payload } : {}),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response;
  };
  const objects = async (kind: string) => {
    const response = await app().inject({
      method: 'GET',
      url: `/admin/sandbox/objects?kind=${kind}&limit=500`,
      headers: adminHeaders,
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ objects: SandboxObject[] }>().objects;
  };
  const subscriptionOf = async (userId: string) => {
    const found = (await objects('subscription')).filter((row) => row.data.metadata?.user_id === userId);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  return {
    objects,
    subscriptionOf,
    /** Checkout and pay on the hosted sandbox page; returns once every job has run. */
    async subscribe(userId: string, planId = 'pro') {
      const checkout = await post('/v1/billing/checkout-session', { user_id: userId, plan_id: planId });
      const path = new URL(checkout.json<{ url: string }>().url).pathname;
      const paid = await app().inject({ method: 'POST', url: `${path}/pay` });
      expect(paid.statusCode, paid.body).toBe(200);
      await harness().drain();
    },
    async cancelAtPeriodEnd(userId: string) {
      await post('/v1/billing/cancel', { user_id: userId });
      await harness().drain();
    },
    async failPayment(userId: string) {
      await post(`/admin/sandbox/subscriptions/${(await subscriptionOf(userId)).id}/fail-payment`);
      await harness().drain();
    },
    async refundLatest(userId: string) {
      const subscription = await subscriptionOf(userId);
      const payments = (await objects('payment'))
        .filter((row) => row.data.subscription === subscription.id)
        .sort((left, right) => Number(right.data.created) - Number(left.data.created));
      await post(`/admin/sandbox/payments/${payments[0]!.id}/refund`, {});
      await harness().drain();
    },
    async periodEnd(userId: string) {
      return new Date(Number((await subscriptionOf(userId)).data.current_period_end) * 1000);
    },
  };
}
