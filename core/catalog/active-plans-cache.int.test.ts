import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.js';
import { createTestDatabase } from '../testing/test-database.js';
import { createCatalogService } from './catalog-service.js';

let database: DatabaseHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  await createCatalogService({ db: database.db, defaultCurrency: 'usd' }).seed();
});

afterAll(async () => {
  await database?.close();
});

const proMonthly = (plans: Awaited<ReturnType<ReturnType<typeof createCatalogService>['listPlans']>>) =>
  plans.find((plan) => plan.id === 'pro')?.prices.find((price) => price.interval === 'month')?.amountMinor;

describe('the cached list of active plans', () => {
  it('a change made through this process shows at once; another process sees it within its cache time', async () => {
    const web = createCatalogService({ db: database.db, defaultCurrency: 'usd', activePlansCacheMs: 60_000 });
    const bots = createCatalogService({ db: database.db, defaultCurrency: 'usd', activePlansCacheMs: 3_000 });
    const before = proMonthly(await web.listPlans());
    expect(proMonthly(await bots.listPlans())).toBe(before);

    await web.updatePlan('pro', { prices: [{ interval: 'month', amount_minor: 5_900 }] }, 'test');
    expect(proMonthly(await web.listPlans())).toBe(5_900);
    // The other process still holds its copy, then reads again once it is older than its cache time.
    expect(proMonthly(await bots.listPlans())).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    expect(proMonthly(await bots.listPlans())).toBe(5_900);
  });

  it('callers get their own copies: changing a returned plan does not change what the next caller sees', async () => {
    const catalog = createCatalogService({ db: database.db, defaultCurrency: 'usd', activePlansCacheMs: 60_000 });
    const first = await catalog.listPlans();
    const count = first.length;
    first.find((plan) => plan.id === 'pro')!.prices.length = 0;
    first.pop();
    const second = await catalog.listPlans();
    expect(second).toHaveLength(count);
    expect(proMonthly(second)).toBeGreaterThan(0);
  });

  it('archived plans are listed only when asked for; archiving shows in both cached lists at once', async () => {
    const catalog = createCatalogService({ db: database.db, defaultCurrency: 'usd', activePlansCacheMs: 60_000 });
    await catalog.listPlans();
    await catalog.listPlans({ includeInactive: true });
    await catalog.updatePlan('core', { active: false }, 'test');
    expect((await catalog.listPlans()).map((plan) => plan.id)).not.toContain('core');
    const everyPlan = await catalog.listPlans({ includeInactive: true });
    expect(everyPlan.find((plan) => plan.id === 'core')?.active).toBe(false);
    await catalog.updatePlan('core', { active: true }, 'test');
  });
});
