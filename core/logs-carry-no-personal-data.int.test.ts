import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxPayload } from './billing/providers/sandbox/sandbox-signature.js';
import { createLogger } from './logger.js';
import { sandboxShop } from './testing/sandbox-shop.js';
import { adminHeaders, createTestApp, type TestApp, testAdminKey } from './testing/test-core.js';

const sandboxSecret = 'sandbox_secret_for_the_log_scan_0123456789';
const memberEmail = 'log.scan.member@example.com';
const raceEmail = 'race.loser@example.org';
const outageEmail = 'during.outage@example.net';
const billingEmail = 'billing.contact@example.com';
const billingAddressLine = '742 Evergreen Terrace';
const cardFingerprint = 'Xt5EWLLDS7FJjR1c';
const cardNumber = '4242424242424242';

/** Every shape that must never reach a log line, whatever value carries it. */
const forbiddenShapes: Array<[string, RegExp]> = [
  ['an email address', /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/],
  ['an admin key', /adm_[A-Za-z0-9]{8,}/],
  ['an API key', /ck_[0-9a-f]{8}_[A-Za-z0-9_-]{8,}/],
  ['a login token', /lt_[A-Za-z0-9_-]{16,}/],
  ['a refresh token', /rt_[A-Za-z0-9_-]{16,}/],
  ['a JWT or signed link', /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ['a provider key or webhook secret', /(?:sk|rk)_(?:test|live)_[A-Za-z0-9]{4,}|whsec_[A-Za-z0-9+/=]{4,}/],
  ['a bearer credential', /Bearer\s+[A-Za-z0-9._~+/=-]{8,}/i],
  ['a card number', /(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)/],
];

const luhnValid = (digits: string) => {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
};

/**
 * The whole lifecycle, failures and outages included, with every log line kept (level trace):
 * no line may carry an email, a key, a token, a secret, a card number or a provider payload.
 */
describe('logs carry no personal data or secrets, across the whole lifecycle', () => {
  const lines: string[] = [];
  const secretsUsed = new Set<string>([
    testAdminKey,
    sandboxSecret,
    memberEmail,
    raceEmail,
    outageEmail,
    billingEmail,
    billingAddressLine,
    cardFingerprint,
    cardNumber,
  ]);
  let test: TestApp;
  const shop = sandboxShop(() => test);

  beforeAll(async () => {
    const logger = createLogger({ level: 'trace', destination: { write: (line: string) => lines.push(line) } });
    test = await createTestApp({ SANDBOX_WEBHOOK_SECRET: sandboxSecret }, { logger });
  });
  afterAll(async () => {
    await test?.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = adminHeaders) =>
    test.app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });

  /** Makes every insert into `table` fail inside the database, as a unique race or a broken disk would. */
  const failInsertsInto = async (table: string, detail: string) => {
    await test.core.db.execute(
      sql.raw(`CREATE OR REPLACE FUNCTION log_scan_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'duplicate key value violates unique constraint "log_scan_unique"'
          USING ERRCODE = '23505', DETAIL = ${detail}; END $$`),
    );
    await test.core.db.execute(
      sql.raw(
        `CREATE TRIGGER log_scan_refuse_${table} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION log_scan_refuse()`,
      ),
    );
  };
  const allowInsertsInto = (table: string) =>
    test.core.db.execute(sql.raw(`DROP TRIGGER log_scan_refuse_${table} ON ${table}`));

  it('drives sign-up, email sign-in, checkout, webhooks, refunds, disputes, API keys and failures', async () => {
    // Sign-up and email sign-in.
    const userId = (await test.createUser({ email: memberEmail })).id;
    expect((await post('/v1/auth/login', { email: memberEmail }, {})).statusCode).toBe(202);
    await test.drain();
    const mail = test.core.emailOutbox?.outbox.at(-1);
    const loginToken = mail?.text.match(/lt_[A-Za-z0-9_-]+/)?.[0];
    if (!loginToken) throw new Error('no sign-in link was sent');
    secretsUsed.add(loginToken);
    const tokens = await post('/v1/auth/token', { login_token: loginToken }, {});
    expect(tokens.statusCode).toBe(200);
    const { access_token: accessToken, refresh_token: refreshToken } = tokens.json<{
      access_token: string;
      refresh_token: string;
    }>();
    secretsUsed.add(accessToken).add(refreshToken);
    expect((await post('/v1/auth/token', { login_token: loginToken }, {})).statusCode).toBe(401);
    const refreshed = await post('/v1/auth/refresh', { refresh_token: refreshToken }, {});
    secretsUsed.add(refreshed.json<{ refresh_token: string }>().refresh_token);
    // A spent refresh token presented again revokes the sign-in: a logged security event.
    expect((await post('/v1/auth/refresh', { refresh_token: refreshToken }, {})).statusCode).toBe(401);

    // API keys: created by the member and by the admin.
    const memberKey = await post('/v1/api-keys', { name: 'bot' }, { authorization: `Bearer ${accessToken}` });
    const adminKey = await post('/v1/api-keys', { user_id: userId, name: 'ops' });
    for (const response of [memberKey, adminKey]) secretsUsed.add(response.json<{ key: string }>().key);
    const wrongKey = await test.app.inject({
      method: 'GET',
      url: '/v1/api-keys',
      headers: { authorization: 'Bearer ck_0badc0de_not-a-real-key-at-all-000000' },
    });
    expect(wrongKey.statusCode).toBe(401);

    // Checkout and payment through the provider webhooks, then a refund and a lost dispute.
    await shop.subscribe(userId, 'pro');
    const subscription = await shop.subscriptionOf(userId);
    const payment = (await shop.objects('payment')).find((row) => row.data.subscription === subscription.id)!;
    // Partly refunded, so the rest can still be disputed.
    expect((await post(`/admin/sandbox/payments/${payment.id}/refund`, { amount_minor: 1000 })).statusCode).toBe(200);
    await test.drain();
    const dispute = await post(`/admin/sandbox/payments/${payment.id}/dispute`, undefined);
    expect(dispute.statusCode, dispute.body).toBe(200);
    await test.drain();
    const disputeId = (await shop.objects('dispute')).at(-1)?.id;
    await post(`/admin/sandbox/disputes/${disputeId}/close`, { outcome: 'lost' });
    await test.drain();

    // A webhook with a bad signature, and one whose store fails: its payload carries billing details.
    const webhookBody = JSON.stringify({
      id: 'sbx_evt_log_scan_store_failure',
      type: 'checkout.session.completed',
      created: Math.floor(test.clock.now().getTime() / 1000),
      data: {
        object: {
          customer_email: billingEmail,
          billing_details: { email: billingEmail, address: { line1: billingAddressLine } },
          card: { fingerprint: cardFingerprint, number: cardNumber },
        },
      },
    });
    const signature = signSandboxPayload(webhookBody, sandboxSecret, Math.floor(test.clock.now().getTime() / 1000));
    const forged = await post('/v1/webhooks/sandbox', webhookBody, {
      'content-type': 'application/json',
      'sandbox-signature': signature.replace(/v1=./, 'v1=0'),
    });
    expect(forged.statusCode).toBe(400);
    await failInsertsInto('payment_events', `'payload ' || NEW.payload`);
    const notStored = await post('/v1/webhooks/sandbox', webhookBody, {
      'content-type': 'application/json',
      'sandbox-signature': signature,
    });
    expect(notStored.statusCode).toBe(503);
    expect(notStored.json()).toMatchObject({ error: { code: 'webhook_store_failed' } });
    await allowInsertsInto('payment_events');

    // A user creation that loses a unique race inside the database (its detail names the email).
    await failInsertsInto('users', `'Key (email)=(' || NEW.email || ') already exists.'`);
    const lostRace = await post('/v1/users', { email: raceEmail });
    expect(lostRace.statusCode).toBeGreaterThanOrEqual(500);
    await allowInsertsInto('users');

    // An outage: the users table is gone, so sign-ins and sign-ups fail with the email as a parameter.
    await test.core.db.execute(sql.raw('ALTER TABLE users RENAME TO users_during_outage'));
    try {
      const duringOutage = await post('/v1/users', { email: outageEmail });
      expect(duringOutage.statusCode).toBeGreaterThanOrEqual(500);
      await post('/v1/auth/login', { email: outageEmail }, {});
      await test.drain();
    } finally {
      await test.core.db.execute(sql.raw('ALTER TABLE users_during_outage RENAME TO users'));
    }
  });

  it('the failures above were logged, so the scan below reads real error lines', () => {
    const text = lines.join('');
    expect(text).toContain('webhook_store_failed');
    expect(lines.filter((line) => JSON.parse(line).level >= 50).length).toBeGreaterThanOrEqual(2);
  });

  it('no log line carries any email, key, token, secret, card number or billing detail that was used', () => {
    const leaks = lines.flatMap((line, index) =>
      [...secretsUsed].filter((secret) => line.includes(secret)).map((secret) => `line ${index}: ${secret}`),
    );
    expect(leaks).toEqual([]);
  });

  it('no log line carries anything shaped like an email, a key, a token or a card number', () => {
    const leaks: string[] = [];
    for (const [index, line] of lines.entries()) {
      for (const [shape, pattern] of forbiddenShapes) {
        const found = line.match(new RegExp(pattern.source, 'g')) ?? [];
        for (const match of found) {
          if (shape === 'a card number' && !luhnValid(match.replace(/\D/g, ''))) continue;
          leaks.push(`line ${index} has ${shape}: ${match}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});
