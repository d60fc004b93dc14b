import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

/** A logger whose lines land in an array, parsed back from JSON exactly as written. */
function collectingLogger() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
  // biome-ignore lint/suspicious/noExplicitAny: a parsed log line is read by path in the assertions.
  return { logger, lines, last: () => JSON.parse(lines.at(-1)!) as Record<string, any> };
}

const cardNumber = '4242424242424242';
const email = 'member@example.com';

describe('createLogger redaction', () => {
  it('authorization, cookie and signature headers of a logged request are censored', () => {
    const { logger, last, lines } = collectingLogger();
    logger.info(
      {
        req: {
          method: 'POST',
          url: '/v1/webhooks/stripe',
          headers: {
            authorization: 'Bearer adm_secret_key_value',
            cookie: 'session=abc',
            'stripe-signature': 't=1,v1=deadbeef',
            'sandbox-signature': 't=1,v1=cafebabe',
            'content-type': 'application/json',
          },
        },
      },
      'webhook received',
    );
    expect(last().req.headers).toEqual({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'stripe-signature': '[redacted]',
      'sandbox-signature': '[redacted]',
      'content-type': 'application/json',
    });
    expect(lines.join('')).not.toMatch(/adm_secret_key_value|deadbeef|cafebabe|session=abc/);
  });

  it('secrets, API keys and tokens are censored wherever a log object carries them', () => {
    const { logger, last, lines } = collectingLogger();
    logger.info(
      {
        provider: { secret: 'sk_live_top', webhookSecret: 'whsec_top', apiKey: 'key_top' },
        bot: { token: 'bot_token_top' },
        secret: 'top_level_secret',
        token: 'top_level_token',
        password: 'hunter2',
      },
      'configured',
    );
    const line = last();
    expect(line.provider).toEqual({ secret: '[redacted]', webhookSecret: '[redacted]', apiKey: '[redacted]' });
    expect(line.bot.token).toBe('[redacted]');
    expect(line.secret).toBe('[redacted]');
    expect(line.token).toBe('[redacted]');
    expect(line.password).toBe('[redacted]');
    expect(lines.join('')).not.toMatch(/sk_live_top|whsec_top|key_top|bot_token_top|top_level_|hunter2/);
  });

  it('card numbers and emails are censored, at the top level and inside an object', () => {
    const { logger, last, lines } = collectingLogger();
    logger.info({ email, card_number: cardNumber, customer: { email, card_number: cardNumber, cvc: '123' } });
    const line = last();
    expect(line.email).toBe('[redacted]');
    expect(line.card_number).toBe('[redacted]');
    expect(line.customer).toEqual({ email: '[redacted]', card_number: '[redacted]', cvc: '[redacted]' });
    expect(lines.join('')).not.toContain(cardNumber);
    expect(lines.join('')).not.toContain(email);
  });

  it('a logged config object does not leak credentials or connection strings', () => {
    const { logger, last, lines } = collectingLogger();
    logger.info(
      {
        ADMIN_API_KEY: 'adm_0123456789abcdefghijkl',
        STRIPE_SECRET_KEY: 'sk_test_abc',
        STRIPE_WEBHOOK_SECRETS: ['whsec_a', 'whsec_b'],
        DATABASE_URL: 'postgres://app:pa55@db/app',
        PORT: 3000,
      },
      'config',
    );
    expect(last()).toMatchObject({
      ADMIN_API_KEY: '[redacted]',
      STRIPE_SECRET_KEY: '[redacted]',
      STRIPE_WEBHOOK_SECRETS: '[redacted]',
      DATABASE_URL: '[redacted]',
      PORT: 3000,
    });
    expect(lines.join('')).not.toMatch(/adm_0123|sk_test_abc|whsec_|pa55/);
  });

  it('ordinary fields, the message and the service name are kept', () => {
    const { logger, last } = collectingLogger();
    logger.info({ eventId: 'evt_1', attempts: 2 }, 'payment event failed');
    expect(last()).toMatchObject({
      level: 30,
      msg: 'payment event failed',
      service: 'community-monetization',
      eventId: 'evt_1',
      attempts: 2,
    });
  });
});
