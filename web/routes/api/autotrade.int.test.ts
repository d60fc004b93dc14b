import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../../../core/testing/test-core.js';

describe('the autotrade REST routes', () => {
  let test: TestApp;
  let members = 0;

  beforeAll(async () => {
    test = await createTestApp();
  });
  afterAll(async () => test?.close());

  async function member(planId: string) {
    members += 1;
    const { id } = await test.createUser({ email: `rest-trader${members}@example.com` });
    await test.core.grants.grant({ userId: id, planId, days: 30, expiresAt: null, reason: 'test' }, 'test');
    const { key } = await test.core.apiKeys.create({ kind: 'admin', tag: 'test' }, { userId: id });
    return { id, headers: { authorization: `Bearer ${key}` } };
  }
  const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
    test.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  it('a Pro member enables, reads and disables their own paper account with their API key', async () => {
    const pro = await member('pro');
    const before = await call('GET', '/v1/autotrade', pro.headers);
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ user_id: pro.id, following: false, account: null, positions: [] });

    const enabled = await call('POST', '/v1/autotrade/enable', pro.headers);
    expect(enabled.statusCode, enabled.body).toBe(200);
    expect(enabled.json()).toMatchObject({
      following: true,
      account: {
        enabled: true,
        currency: 'usd',
        starting_balance_minor: 1_000_000,
        balance_minor: 1_000_000,
        realised_pnl_minor: 0,
        position_notional_minor: 100_000,
      },
      equity_minor: 1_000_000,
    });

    const disabled = await call('POST', '/v1/autotrade/disable', pro.headers, {});
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ following: false, account: { enabled: false }, canceled_orders: 0 });
  });

  it('a member below Pro gets 403 autotrade_not_in_plan with the upgrade plan', async () => {
    const core = await member('core');
    const refused = await call('POST', '/v1/autotrade/enable', core.headers);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({
      error: {
        code: 'autotrade_not_in_plan',
        message: 'The autotrade sandbox comes with Pro and above. Send /tiers to upgrade.',
        details: { feature: 'autotrade_sandbox', upgrade_plan_id: 'pro' },
      },
    });
  });

  it('the admin key acts for the user_id it names; a member naming another member gets 404', async () => {
    const owner = await member('pro');
    const other = await member('pro');
    const enabled = await call('POST', '/v1/autotrade/enable', adminHeaders, { user_id: owner.id });
    expect(enabled.statusCode).toBe(200);
    expect(enabled.json()).toMatchObject({ user_id: owner.id, following: true });
    expect((await call('GET', `/v1/autotrade?user_id=${owner.id}`, adminHeaders)).json()).toMatchObject({
      user_id: owner.id,
      account: { enabled: true },
    });
    expect((await call('GET', '/v1/autotrade', adminHeaders)).json()).toMatchObject({
      error: { code: 'user_id_required' },
    });

    const peek = await call('GET', `/v1/autotrade?user_id=${owner.id}`, other.headers);
    expect(peek.statusCode).toBe(404);
    const meddle = await call('POST', '/v1/autotrade/disable', other.headers, { user_id: owner.id });
    expect(meddle.statusCode).toBe(404);
    expect((await call('GET', `/v1/autotrade?user_id=${owner.id}`, adminHeaders)).json()).toMatchObject({
      account: { enabled: true },
    });
    expect((await call('GET', '/v1/autotrade', {})).statusCode).toBe(401);
  });
});
