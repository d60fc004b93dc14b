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

describe('createLogger censors by value shape, wherever the value sits', () => {
  it('the recipient of a message is censored like an email field', () => {
    const { logger, last, lines } = collectingLogger();
    logger.info({ to: email, mail: { recipient: email, cc: [email] } }, 'email sent');
    expect(last().to).toBe('[redacted]');
    expect(lines.join('')).not.toContain(email);
  });

  it('emails, keys, tokens, JWTs and bearer credentials inside messages and nested values are censored', () => {
    const { logger, lines } = collectingLogger();
    const values = [
      'someone.else+tag@mail.example.org',
      'adm_0123456789abcdefghijklmn',
      'ck_0a1b2c3d_S3cr3tPartOfTheKeyThatIsLong',
      'lt_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG',
      'rt_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG',
      'sk_live_51Habcdefghijklmnop',
      'whsec_c2VjcmV0IGJ5dGVzIGhlcmU=',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLWJ5dGVz',
    ];
    logger.warn(
      {
        deep: { deeper: { deepest: { list: values, note: `sent to ${values[0]}` } } },
        url: `/login?login_token=${values[3]}`,
      },
      `failed for ${values[0]} with Bearer opaque-credential-value and\n${values[1]}`,
    );
    const text = lines.join('');
    for (const value of values) expect(text).not.toContain(value);
    expect(text).not.toContain('opaque-credential-value');
    expect(() => JSON.parse(text)).not.toThrow();
  });

  it('chat platform credentials are censored, even inside an API URL in an error message', () => {
    const { logger, lines } = collectingLogger();
    const telegramToken = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq';
    const slackToken = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';
    const discordToken = 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.GhIjKl.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
    logger.error(
      { err: new Error(`request to https://api.telegram.org/bot${telegramToken}/getMe failed`) },
      `tokens ${slackToken} ${discordToken}`,
    );
    const text = lines.join('');
    for (const token of [telegramToken, slackToken, discordToken]) expect(text).not.toContain(token);
  });

  it('card-like numbers that pass the Luhn check are censored; ids and timestamps are kept', () => {
    const { logger, last, lines } = collectingLogger();
    logger.info({
      note: `card ${cardNumber} and 4000 0566 5566 5556`,
      guildId: '1234567890123456789',
      at: 1763000000001,
    });
    expect(lines.join('')).not.toContain(cardNumber);
    expect(lines.join('')).not.toContain('4000 0566 5566 5556');
    expect(last().guildId).toBe('1234567890123456789');
    expect(last().at).toBe(1763000000001);
  });

  it('a connection string keeps its host but not its password', () => {
    const { logger, lines } = collectingLogger();
    logger.error({ err: new Error('connect failed: postgres://app:pa55word@db.internal:5432/app') }, 'no database');
    expect(lines.join('')).not.toContain('pa55word');
    expect(lines.join('')).toContain('db.internal');
  });

  it('censoring a large line stays fast (bounded patterns, no backtracking blow-up)', () => {
    const { logger } = collectingLogger();
    const blob = 'a'.repeat(200_000) + '.'.repeat(1000) + 'eyJ'.repeat(20_000);
    const started = performance.now();
    logger.info({ blob }, 'large');
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('createLogger logs database errors by code and statement, never their values', () => {
  /** What postgres.js throws: every field of the failed statement, parameters included. */
  const postgresError = () =>
    Object.assign(new Error('duplicate key value violates unique constraint "users_email_unique"'), {
      name: 'PostgresError',
      severity: 'ERROR',
      severity_local: 'ERROR',
      code: '23505',
      detail: `Key (email)=(${email}) already exists.`,
      schema_name: 'public',
      table_name: 'users',
      constraint_name: 'users_email_unique',
      query: 'insert into "users" ("email") values ($1)',
      parameters: [email],
      args: [email],
    });

  /** What drizzle wraps it in: the SQL and every parameter in the message. */
  const failedQuery = (cause: unknown, params: unknown[]) =>
    Object.assign(
      new Error(`Failed query: insert into "payment_events" ("payload") values ($1)\nparams: ${params.join(',')}`),
      {
        name: 'DrizzleQueryError',
        query: 'insert into "payment_events" ("payload") values ($1)',
        params,
        cause,
      },
    );

  it('a unique race logs its SQLSTATE, constraint and table, not the email in its detail or parameters', () => {
    const { logger, last, lines } = collectingLogger();
    logger.error({ err: failedQuery(postgresError(), [email]) }, 'user creation failed');
    expect(lines.join('')).not.toContain(email);
    expect(last().err).toMatchObject({
      message: 'Failed query: insert payment_events',
      statement: 'insert payment_events',
      cause: { type: 'PostgresError', code: '23505', constraint: 'users_email_unique', table: 'users' },
    });
  });

  it('a failed webhook store logs neither the provider payload nor its billing details', () => {
    const { logger, lines } = collectingLogger();
    const payload = JSON.stringify({
      billing_details: { email, address: { line1: '1 Main St' } },
      fingerprint: 'Fp0123',
    });
    const stored = new Error('The event could not be stored; retry later.', {
      cause: failedQuery(postgresError(), [payload]),
    });
    logger.error({ err: stored }, stored.message);
    const text = lines.join('');
    for (const value of [email, '1 Main St', 'Fp0123', 'billing_details']) expect(text).not.toContain(value);
  });

  it('an invalid input value named in a database message is censored, the kind of error kept', () => {
    const { logger, last } = collectingLogger();
    const error = Object.assign(new Error('invalid input syntax for type uuid: "Jane Doe"'), {
      severity: 'ERROR',
      code: '22P02',
    });
    logger.error({ err: error }, 'lookup failed');
    expect(last().err.message).toBe('invalid input syntax for type uuid: "[redacted]"');
    expect(last().err.code).toBe('22P02');
  });
});
