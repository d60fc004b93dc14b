import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxShop } from '../testing/sandbox-shop.js';
import { createTestApp, type TestApp } from '../testing/test-core.js';

/** Resume through core with the sandbox provider: the offline provider behaves like Stripe. */
describe('resuming a canceled subscription (sandbox)', () => {
  let harness: TestApp;
  const shop = sandboxShop(() => harness);
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  it('resume withdraws the cancellation at the provider, and the lifecycle and entitlements go back to active', async () => {
    const { id: userId } = await harness.createUser({ email: 'sandbox-resume@example.com' });
    await shop.subscribe(userId);
    await shop.cancelAtPeriodEnd(userId);
    expect(await harness.core.entitlements.get(userId)).toMatchObject({ status: 'canceled_at_period_end' });

    const resumed = await harness.core.subscriptions.resume({ userId }, 'test:member');
    await harness.drain();
    expect(resumed.subscription).toMatchObject({ status: 'active', cancel_at_period_end: false, canceled_at: null });
    expect(resumed.entitlements).toMatchObject({ tier: 'pro', status: 'active' });
    expect((await shop.subscriptionOf(userId)).data).toMatchObject({ cancel_at_period_end: false });
    // The provider's own webhook for the change leaves it resumed.
    expect(await harness.core.entitlements.get(userId)).toMatchObject({ tier: 'pro', status: 'active' });
  });

  it('resuming what is not canceling, or has ended, is refused with a stable code', async () => {
    const { id: userId } = await harness.createUser({ email: 'sandbox-resume-refused@example.com' });
    await shop.subscribe(userId);
    await expect(harness.core.subscriptions.resume({ userId }, 'test:member')).rejects.toMatchObject({
      code: 'subscription_not_canceling',
      status: 409,
    });
    await harness.core.subscriptions.cancel({ userId, atPeriodEnd: false }, 'test:member');
    await harness.drain();
    await expect(harness.core.subscriptions.resume({ userId }, 'test:member')).rejects.toMatchObject({
      code: 'subscription_ended',
      status: 409,
    });
  });

  it('the sandbox refuses to resume an ended subscription even when our copy is stale', async () => {
    const { id: userId } = await harness.createUser({ email: 'sandbox-resume-stale@example.com' });
    await shop.subscribe(userId);
    const subscription = await shop.subscriptionOf(userId);
    const sandbox = harness.core.providers.get('sandbox')!;
    await sandbox.cancel({ providerSubscriptionId: subscription.id, atPeriodEnd: false, idempotencyKey: 'test-end' });
    await expect(
      sandbox.resume({ providerSubscriptionId: subscription.id, idempotencyKey: 'test-resume' }),
    ).rejects.toMatchObject({ code: 'subscription_ended' });
  });
});
