import { describe, expect, it } from 'vitest';
import type { PlanWithPrices } from './catalog-service.js';
import { cheapestPlanWithFeature } from './cheapest-plan-with-feature.js';
import { defaultCatalog } from './default-catalog.js';

/** The default catalog as listPlans answers it (active plans with their active prices). */
function catalog(overrides: Record<string, Partial<PlanWithPrices>> = {}): PlanWithPrices[] {
  return defaultCatalog.map((plan) => ({
    id: plan.id,
    kind: plan.kind,
    name: plan.name,
    description: plan.description,
    rank: plan.rank,
    features: plan.features,
    quotas: plan.quotas,
    contactSales: plan.contact_sales,
    active: true,
    prices: plan.prices.map((price) => ({
      id: `${plan.id}_${price.interval}`,
      planId: plan.id,
      interval: price.interval,
      amountMinor: price.amount_minor,
      currency: 'usd',
      version: 1,
      accessDays: null,
      active: true,
      stripePriceId: null,
    })),
    ...overrides[plan.id],
  })) as PlanWithPrices[];
}

describe('cheapest plan with a feature', () => {
  it('offers Core for real-time signals and API keys, Pro for webhooks and the autotrade sandbox', () => {
    const plans = catalog();
    expect(cheapestPlanWithFeature(plans, 'realtime_signals', 'usd')).toEqual({
      planId: 'core',
      planName: 'Core',
      monthlyAmountMinor: 900,
      currency: 'usd',
    });
    expect(cheapestPlanWithFeature(plans, 'api_keys', 'usd')?.planId).toBe('core');
    expect(cheapestPlanWithFeature(plans, 'outbound_webhooks', 'usd')?.planId).toBe('pro');
    expect(cheapestPlanWithFeature(plans, 'autotrade_sandbox', 'usd')?.planId).toBe('pro');
  });

  it('goes by price, not rank, when a moderator prices a higher tier lower', () => {
    const plans = catalog();
    const vip = plans.find((plan) => plan.id === 'vip')!;
    vip.prices = vip.prices.map((price) => ({ ...price, amountMinor: 2900 }));
    expect(cheapestPlanWithFeature(plans, 'autotrade_sandbox', 'usd')?.planId).toBe('vip');
  });

  it('skips plans that cannot be bought by card monthly: inactive, contact sales, no monthly price, other currency', () => {
    const withoutPro = catalog({ pro: { active: false } });
    expect(cheapestPlanWithFeature(withoutPro, 'outbound_webhooks', 'usd')?.planId).toBe('vip');
    const plans = catalog();
    for (const plan of plans)
      if (plan.id !== 'enterprise') plan.prices = plan.prices.filter((price) => price.interval !== 'month');
    expect(cheapestPlanWithFeature(plans, 'outbound_webhooks', 'usd')).toBeUndefined();
    expect(cheapestPlanWithFeature(catalog(), 'outbound_webhooks', 'eur')).toBeUndefined();
  });
});
