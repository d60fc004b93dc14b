import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';
import { billingLedger } from '../db/schema/index.js';

describe('sandbox money path', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  const createUser = async (email: string) => (await harness.createUser({ email })).id;

  it('a member who pays on the sandbox checkout page gets Pro and the ledger records payment and vault share', async () => {
    const userId = await createUser('payer@example.com');
    const checkout = await harness.app.inject({
      method: 'POST',
      url: '/v1/billing/checkout-session',
      headers: adminHeaders,
      payload: { user_id: userId, plan_id: 'pro' },
    });
    expect(checkout.statusCode).toBe(200);
    const { url, provider } = checkout.json<{ url: string; provider: string }>();
    expect(provider).toBe('sandbox');
    const path = new URL(url).pathname;
    const page = await harness.app.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Pay');

    const before = await harness.app.inject({
      method: 'GET',
      url: `/v1/entitlements/${userId}`,
      headers: adminHeaders,
    });
    expect(before.json()).toMatchObject({ tier: 'free', status: 'free' });

    const paid = await harness.app.inject({ method: 'POST', url: `${path}/pay` });
    expect(paid.statusCode).toBe(200);
    await harness.drain();

    const after = await harness.app.inject({ method: 'GET', url: `/v1/entitlements/${userId}`, headers: adminHeaders });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({
      user_id: userId,
      tier: 'pro',
      status: 'active',
      quotas: { signals_per_day: 1000, api_rpm: 300 },
    });
    expect(after.json<{ features: string[] }>().features).toContain('autotrade_sandbox');

    const ledger = await harness.core.db.select().from(billingLedger);
    expect(ledger.map((entry) => [entry.kind, entry.amountMinor]).sort()).toEqual([
      ['payment', 4900],
      ['vault_contribution', 490],
    ]);
  });
});
