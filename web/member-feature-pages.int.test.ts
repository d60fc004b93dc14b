import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeChatPlatform } from '../core/testing/fake-chat-platform.js';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';
import { createFormClient, type FormClient } from './testing/form-client.js';

const minute = 60_000;
let test: TestApp;
let telegram: ReturnType<typeof createFakeChatPlatform>;
let receiver: Server;
let receiverUrl: string;
let nextChatId = 940_000;
let nextSignal = 0;

beforeAll(async () => {
  // Loopback endpoints allowed so a webhook can reach the receiver below; private addresses stay refused.
  test = await createTestApp({ OUTBOUND_WEBHOOK_ALLOW_LOOPBACK: 'true' });
  telegram = createFakeChatPlatform({ name: 'telegram' });
  test.core.access.registerPlatform(telegram.platform);
  await test.openMemberPages();
  receiver = createServer((_request, response) => response.writeHead(200).end('ok'));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
  await test?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** A member on `planId`, signed in to a fresh browser through the bot's one-time link. */
async function member(planId: string): Promise<{ browser: FormClient; userId: string }> {
  nextChatId += 1;
  const externalId = String(nextChatId);
  const { id: userId } = await test.core.users.findOrCreate({ platform: 'telegram', externalId }, 'test');
  if (planId !== 'free')
    await test.core.grants.grant({ userId, planId, days: 30, expiresAt: null, reason: 'test' }, 'test');
  const before = telegram.dms.length;
  await test.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { platform: 'telegram', external_id: externalId },
  });
  await test.drain();
  // The grant's own DMs (a receipt) may arrive in the same drain: the sign-in DM is the one with the link.
  const signInDm = telegram.dms.slice(before).find((dm) => dm.externalId === externalId && dm.message.links?.[0]);
  const url = new URL(signInDm!.message.links![0]!.url);
  const browser = createFormClient(test.app);
  await browser.get(url.pathname + url.search);
  expect((await browser.post(`/login/browser${url.search}`)).statusCode).toBe(303);
  return { browser, userId };
}

async function publish(fields: { instrument: string; entry: string; stop: string; target: string }) {
  nextSignal += 1;
  const response = await test.app.inject({
    method: 'POST',
    url: '/v1/signals',
    headers: adminHeaders,
    payload: {
      instrument: fields.instrument,
      side: 'long',
      entry: fields.entry,
      stop: fields.stop,
      targets: [fields.target],
      idempotency_key: `feature-pages-${nextSignal}`,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
}

/** The secret on a one-time page. */
const secretOn = (body: string) => /<pre class="one-time-secret"><code>([^<]+)<\/code><\/pre>/.exec(body)?.[1];

const expectRefusal = (response: { statusCode: number; body: string; headers: Record<string, unknown> }) => ({
  withCode(status: number, code: string) {
    expect(response.statusCode, response.body).toBe(status);
    expect(String(response.headers['content-type'])).toContain('text/html');
    expect(response.body).toContain(`<code>${code}</code>`);
  },
});

const upgradeForm = (planId: string) =>
  new RegExp(
    `<form method="post" action="/checkout"[^>]*><input type="hidden" name="_csrf" value="[^"]+">\\s*<input type="hidden" name="plan_id" value="${planId}">\\s*<input type="hidden" name="interval" value="month">`,
  );

describe('/signals', () => {
  // Published 20 minutes and 3 minutes before the members look: Free sees only the first.
  const old = { instrument: 'SOLUSDT', entry: '151.25', stop: '140.5', target: '170.75' };
  const fresh = { instrument: 'XRPUSDT', entry: '0.61234', stop: '0.58765', target: '0.69876' };

  beforeAll(async () => {
    await publish(old);
    test.clock.advance(17 * minute);
    await publish(fresh);
    test.clock.advance(3 * minute);
  });

  it('a Free member sees delayed signals and a locked card for a newer one, never its content', async () => {
    const { browser, userId } = await member('free');
    await test.core.quotas.reserve({ userId, quota: 'signals_per_day', amount: 3, limit: 10 });
    const page = await browser.get('/signals');
    expect(page.statusCode).toBe(200);
    for (const value of Object.values(old)) expect(page.body).toContain(value);
    for (const value of Object.values(fresh)) expect(page.body).not.toContain(value);
    expect(page.body).toContain('A signal was published 3 minutes ago.');
    expect(page.body).toContain('Core shows signals in real time.');
    expect(page.body).toContain('<strong>3 of 10</strong> signals today');
    // The cheapest plan without the delay, at its monthly price, straight to checkout.
    expect(page.body).toMatch(upgradeForm('core'));
    expect(page.body).toContain('Upgrade to Core: $9.00 per month');
  });

  it('a Pro member sees every signal in real time and no locked card', async () => {
    const { browser } = await member('pro');
    const page = await browser.get('/signals');
    for (const value of [...Object.values(old), ...Object.values(fresh)]) expect(page.body).toContain(value);
    expect(page.body).not.toContain('A signal was published');
    expect(page.body).not.toContain('action="/checkout"');
    expect(page.body).toContain('Your plan shows signals in real time.');
  });

  it('the upgrade button starts the checkout of the plan it names', async () => {
    const { browser } = await member('free');
    await browser.get('/signals');
    const buy = await browser.post('/checkout', { plan_id: 'core', interval: 'month' });
    expect(buy.statusCode).toBe(303);
    expect(buy.headers.location).toMatch(/\/sandbox\/checkout\/sbx_cs_/);
  });
});

describe('/account/api-keys', () => {
  it('a key made on the page is shown once, works against the API, and stops working when revoked', async () => {
    const { browser } = await member('pro');
    const list = await browser.get('/account/api-keys');
    expect(list.body).toContain('action="/account/api-keys"');
    const created = await browser.post('/account/api-keys', { name: 'Trading bot' });
    expect(created.statusCode).toBe(200);
    expect(created.headers['cache-control']).toBe('no-store');
    const key = secretOn(created.body)!;
    expect(key).toMatch(/^ck_/);
    const feed = () =>
      test.app.inject({ method: 'GET', url: '/v1/signals', headers: { authorization: `Bearer ${key}` } });
    expect((await feed()).statusCode).toBe(200);

    const again = await browser.get('/account/api-keys');
    expect(again.body).toContain('Trading bot');
    expect(again.body).not.toContain(key);
    const keyId = /name="key_id" value="([^"]+)"/.exec(again.body)![1]!;

    const revoked = await browser.post('/account/api-keys/revoke', { key_id: keyId });
    expect(revoked.statusCode).toBe(303);
    expect(revoked.headers.location).toBe('/account/api-keys?notice=revoked');
    expect((await feed()).statusCode).toBe(401);
    expect((await browser.get('/account/api-keys')).body).not.toContain('Trading bot');
  });

  it('rotating shows the successor once; the old key stops and the new one works', async () => {
    const { browser } = await member('core');
    await browser.get('/account/api-keys');
    const oldKey = secretOn((await browser.post('/account/api-keys', { name: 'Rotating' })).body)!;
    const keyId = /name="key_id" value="([^"]+)"/.exec((await browser.get('/account/api-keys')).body)![1]!;
    const rotated = await browser.post('/account/api-keys/rotate', { key_id: keyId });
    expect(rotated.statusCode).toBe(200);
    const newKey = secretOn(rotated.body)!;
    expect(newKey).not.toBe(oldKey);
    const feedWith = (key: string) =>
      test.app.inject({ method: 'GET', url: '/v1/signals', headers: { authorization: `Bearer ${key}` } });
    expect((await feedWith(oldKey)).statusCode).toBe(401);
    expect((await feedWith(newKey)).statusCode).toBe(200);
  });

  it('a Free member sees the locked page without the form, and a create posted anyway is refused with feature_required', async () => {
    const { browser, userId } = await member('free');
    const page = await browser.get('/account/api-keys');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<span class="badge">Locked</span>');
    expect(page.body).not.toContain('action="/account/api-keys');
    expect(page.body).toMatch(upgradeForm('core'));
    for (const path of ['/account/api-keys', '/account/api-keys/rotate', '/account/api-keys/revoke'])
      expectRefusal(await browser.post(path, { name: 'sneaky', key_id: crypto.randomUUID() })).withCode(
        403,
        'feature_required',
      );
    expect(await test.core.apiKeys.list(userId)).toEqual([]);
  });

  it("another member's key id in a form is refused as not found and the key is untouched", async () => {
    const owner = await member('pro');
    await owner.browser.get('/account/api-keys');
    const key = secretOn((await owner.browser.post('/account/api-keys', { name: 'Mine' })).body)!;
    const [record] = await test.core.apiKeys.list(owner.userId);
    const intruder = await member('pro');
    await intruder.browser.get('/account/api-keys');
    for (const path of ['/account/api-keys/revoke', '/account/api-keys/rotate'])
      expectRefusal(await intruder.browser.post(path, { key_id: record!.id })).withCode(404, 'api_key_not_found');
    expect(await test.core.apiKeys.list(owner.userId)).toEqual([record]);
    const feed = await test.app.inject({
      method: 'GET',
      url: '/v1/signals',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(feed.statusCode).toBe(200);
  });

  it('a key id that is not an id is a 400 page, not JSON', async () => {
    const { browser } = await member('pro');
    await browser.get('/account/api-keys');
    expectRefusal(await browser.post('/account/api-keys/revoke', { key_id: 'nope' })).withCode(400, 'invalid_request');
  });
});

describe('/account/webhooks', () => {
  it('a Pro member adds an endpoint (secret shown once), sees its deliveries, and deletes it', async () => {
    const { browser, userId } = await member('pro');
    const empty = await browser.get('/account/webhooks');
    expect(empty.body).toContain('No endpoints yet.');
    const added = await browser.post('/account/webhooks', { url: receiverUrl, events: 'signal.published' });
    expect(added.statusCode, added.body).toBe(200);
    const secret = secretOn(added.body)!;
    expect(secret.length).toBeGreaterThan(20);

    await publish({ instrument: 'ADAUSDT', entry: '0.45', stop: '0.4', target: '0.5' });
    // Jobs, then the sends they start, until both are quiet.
    for (let round = 0; round < 4; round += 1) {
      await test.drain();
      await test.core.outboundWebhooks.idle();
    }
    const listed = await browser.get('/account/webhooks');
    expect(listed.body).toContain(receiverUrl);
    expect(listed.body).not.toContain(secret);
    expect(listed.body).toContain('<code>signal.published</code>: succeeded (HTTP 200)');

    const endpointId = /name="endpoint_id" value="([^"]+)"/.exec(listed.body)![1]!;
    const rotated = await browser.post('/account/webhooks/rotate-secret', { endpoint_id: endpointId });
    expect(rotated.statusCode).toBe(200);
    expect(secretOn(rotated.body)).not.toBe(secret);

    const deleted = await browser.post('/account/webhooks/delete', { endpoint_id: endpointId });
    expect(deleted.statusCode).toBe(303);
    expect(deleted.headers.location).toBe('/account/webhooks?notice=deleted');
    expect(await test.core.outboundWebhooks.endpoints.list({ kind: 'admin' }, userId)).toEqual([]);
  });

  it('a URL the destination policy refuses is a 422 page with its code, and nothing is saved', async () => {
    const { browser, userId } = await member('pro');
    await browser.get('/account/webhooks');
    const refused = await browser.post('/account/webhooks', {
      url: 'https://10.0.0.7/hooks',
      events: 'signal.published',
    });
    expectRefusal(refused).withCode(422, 'webhook_url_private');
    expectRefusal(await browser.post('/account/webhooks', { url: receiverUrl })).withCode(400, 'invalid_request');
    expect(await test.core.outboundWebhooks.endpoints.list({ kind: 'admin' }, userId)).toEqual([]);
  });

  it("another member's endpoint id is refused as not found and the endpoint stays", async () => {
    const owner = await member('pro');
    await owner.browser.get('/account/webhooks');
    await owner.browser.post('/account/webhooks', { url: receiverUrl, events: 'entitlements.updated' });
    const [endpoint] = await test.core.outboundWebhooks.endpoints.list({ kind: 'admin' }, owner.userId);
    const intruder = await member('pro');
    await intruder.browser.get('/account/webhooks');
    for (const path of ['/account/webhooks/delete', '/account/webhooks/rotate-secret'])
      expectRefusal(await intruder.browser.post(path, { endpoint_id: endpoint!.id })).withCode(
        404,
        'webhook_endpoint_not_found',
      );
    expect(await test.core.outboundWebhooks.endpoints.list({ kind: 'admin' }, owner.userId)).toEqual([endpoint]);
  });

  it('a Core member sees the locked page offering Pro, and an add posted anyway is refused', async () => {
    const { browser, userId } = await member('core');
    const page = await browser.get('/account/webhooks');
    expect(page.body).toContain('<span class="badge">Locked</span>');
    expect(page.body).not.toContain('action="/account/webhooks');
    expect(page.body).toMatch(upgradeForm('pro'));
    expectRefusal(await browser.post('/account/webhooks', { url: receiverUrl, events: 'signal.published' })).withCode(
      403,
      'feature_required',
    );
    expect(await test.core.outboundWebhooks.endpoints.list({ kind: 'admin' }, userId)).toEqual([]);
  });
});

describe('/account/autotrade', () => {
  it('is locked for Core (offering Pro), and enabling posted anyway is refused without creating an account', async () => {
    const { browser, userId } = await member('core');
    const page = await browser.get('/account/autotrade');
    expect(page.body).toContain('<span class="badge">Locked</span>');
    expect(page.body).not.toContain('action="/account/autotrade');
    expect(page.body).toMatch(upgradeForm('pro'));
    expect(page.body).toContain('Upgrade to Pro: $49.00 per month');
    expect(page.body).not.toMatch(/live (broker )?trading/i);
    expectRefusal(await browser.post('/account/autotrade/enable')).withCode(403, 'feature_required');
    expect((await test.core.autotrade.status(userId)).account).toBeNull();
  });

  it('is open for Pro: following on shows the paper balance and PnL, following off stops it', async () => {
    const { browser, userId } = await member('pro');
    const before = await browser.get('/account/autotrade');
    expect(before.body).toContain('You have no paper account yet');
    expect(before.body).toContain('action="/account/autotrade/enable"');
    const enabled = await browser.post('/account/autotrade/enable');
    expect(enabled.statusCode).toBe(303);
    const on = await browser.get(enabled.headers.location as string);
    expect(on.body).toContain('Following is on');
    expect(on.body).toContain('<dt>Balance</dt>');
    expect(on.body).toContain('<dt>Realized PnL</dt>');
    expect(on.body).toContain('<dt>Unrealized PnL</dt>');
    expect(on.body).toContain('action="/account/autotrade/disable"');
    expect((await test.core.autotrade.status(userId)).following).toBe(true);

    await publish({ instrument: 'DOTUSDT', entry: '4.321', stop: '4.111', target: '4.999' });
    await test.drain();
    const following = await browser.get('/account/autotrade');
    expect(following.body).toContain('<h2 class="section-heading">Recent positions</h2>');
    expect(following.body).toMatch(
      /<h2>DOTUSDT <span class="badge">Long<\/span> <span class="badge">(pending|open)<\/span><\/h2>/,
    );
    expect(following.body).toContain('<dt>Entry</dt><dd>4.321</dd>');
    const disabled = await browser.post('/account/autotrade/disable');
    expect(disabled.statusCode).toBe(303);
    expect((await test.core.autotrade.status(userId)).following).toBe(false);
  });
});

describe('rollout and sign-in', () => {
  it('outside the rollout a signed-in member gets the coming-soon page, not the feature page', async () => {
    const { browser } = await member('pro');
    await test.core.featureFlags.set('billing_pages', { mode: 'off', allowList: [], percentage: 0 }, 'test');
    try {
      for (const path of ['/signals', '/account/api-keys', '/account/webhooks', '/account/autotrade']) {
        const page = await browser.get(path);
        expect(page.body, path).toContain('<code>member_pages_not_open</code>');
        expect(page.body, path).not.toContain('<form method="post" action="/account/');
      }
    } finally {
      await test.openMemberPages();
    }
  });

  it('every feature page sends a signed-out visitor to sign in', async () => {
    const browser = createFormClient(test.app);
    for (const path of ['/signals', '/account/api-keys', '/account/webhooks', '/account/autotrade']) {
      const page = await browser.get(path);
      expect(page.statusCode, path).toBe(303);
      expect(page.headers.location).toBe('/sign-in');
    }
  });
});
