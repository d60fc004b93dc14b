import { describe, expect, it } from 'vitest';
import { formatDate, formatMoney } from '../core/formatting.js';
import { signedInMemberBrowser } from './testing/member-browser.js';
import { dayMs, useStripeTestShop } from './testing/stripe-test-shop.js';

/**
 * The billing page's plan-change preview on Stripe: the real SDK asks the fake Stripe for
 * `invoices.createPreview`, and the page shows Stripe's own proration lines and total.
 */
describe('billing page on Stripe', () => {
  const stripeTest = useStripeTestShop();

  type Item = { price: { id: string; unit_amount: number }; current_period_start: number; current_period_end: number };
  /** The fake's subscription's tier item (the first), as it is now. */
  const tierItem = (subscriptionId: string) =>
    (stripeTest.fake.object('subscription', subscriptionId) as unknown as { items: { data: Item[] } }).items.data[0]!;

  it('previews a switch with Stripe’s proration lines (each rounded as Stripe rounds them), then the confirm switches the Stripe item', async () => {
    const { shop, fake } = stripeTest;
    await shop.harness.openMemberPages();
    const member = await shop.subscriber('billing-preview@example.com');
    shop.advance(9 * dayMs + 12_345_000);
    const item = tierItem(member.subscriptionId);
    const vip = (await shop.harness.core.catalog.getPlan('vip')).prices.find(
      (price) => price.active && price.interval === 'month',
    )!.amountMinor;
    const now = Math.floor(shop.harness.clock.now().getTime() / 1000);
    const length = item.current_period_end - item.current_period_start;
    const remaining = item.current_period_end - now;
    const proration =
      -Math.round((item.price.unit_amount * remaining) / length) + Math.round((vip * remaining) / length);

    const { browser } = await signedInMemberBrowser(
      shop.harness.app,
      shop.harness.core,
      member.userId,
      '/account/billing',
    );
    const preview = await browser.post('/account/billing/change-plan/preview', { plan_id: 'vip' });
    expect(preview.statusCode, preview.body).toBe(200);
    const asked = fake.requests.filter((request) => request.path === '/v1/invoices/create_preview');
    expect(asked).toHaveLength(1);
    expect(asked[0]!.body['subscription']).toBe(member.subscriptionId);
    expect(preview.body).toContain(`<dd data-preview-proration>${formatMoney(proration, 'usd')}</dd>`);
    expect(preview.body).toContain(`<dd data-preview-next-invoice>${formatMoney(vip + proration, 'usd')}</dd>`);
    expect(preview.body).toContain(`<dd data-preview-recurring>${formatMoney(vip, 'usd')} per month</dd>`);
    expect(preview.body).toContain(`next invoice on ${formatDate(new Date(item.current_period_end * 1000))}`);
    // The preview changed nothing at Stripe.
    expect(tierItem(member.subscriptionId).price.id).toBe(item.price.id);

    const changed = await browser.post('/account/billing/change-plan', { plan_id: 'vip' });
    expect(changed.statusCode, changed.body).toBe(303);
    const switched = tierItem(member.subscriptionId);
    expect(switched.price.unit_amount).toBe(vip);
    const page = await browser.get('/account/billing?done=changed');
    expect(page.body).toContain('<dd>VIP</dd>');
    expect(page.body).toContain('Card, managed in the payment portal');
  });

  it('the ledger’s Stripe invoice links to Stripe’s hosted invoice page', async () => {
    const { shop } = stripeTest;
    await shop.harness.openMemberPages();
    const member = await shop.subscriber('billing-receipt@example.com');
    const { page } = await signedInMemberBrowser(
      shop.harness.app,
      shop.harness.core,
      member.userId,
      '/account/billing',
    );
    expect(page.body).toContain(`href="https://invoice.stripe.test/i/${member.invoiceId}"`);
  });
});
