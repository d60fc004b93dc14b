import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const problemsOf = (environment: Record<string, string | undefined>): string[] => {
  try {
    loadConfig(environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
};

const validAdminKey = 'adm_0123456789abcdefghijklmnop';

describe('loadConfig', () => {
  it('an empty environment gives the embedded mode: no database or Redis URL, sandbox billing, seed and migrate', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      APP_ROLE: 'all',
      PORT: 3000,
      PUBLIC_URL: 'http://localhost:3000',
      DATA_DIR: './.data',
      BILLING_PROVIDER_MODE: 'sandbox',
      DEFAULT_CURRENCY: 'usd',
      SEED_CATALOG: true,
      MIGRATE_ON_START: true,
      STRIPE_WEBHOOK_SECRETS: [],
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.ADMIN_API_KEY).toBeUndefined();
    expect(config.STRIPE_SECRET_KEY).toBeUndefined();
  });

  it('blank variables count as unset (an empty DATABASE_URL still means embedded)', () => {
    const config = loadConfig({ DATABASE_URL: '', REDIS_URL: '   ', STRIPE_SECRET_KEY: '' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.STRIPE_SECRET_KEY).toBeUndefined();
  });

  it('an invalid environment throws one ConfigError naming every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'abc', DATABASE_URL: 'not-a-url', BILLING_PROVIDER_MODE: 'stripe' });
    const named = problems.map((problem) => problem.split(':')[0]);
    expect(named.sort()).toEqual(['DATABASE_URL', 'PORT', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET']);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
  });

  it('stripe mode needs both the secret key and the webhook secret', () => {
    expect(problemsOf({ BILLING_PROVIDER_MODE: 'stripe', STRIPE_SECRET_KEY: 'sk_test_123' })).toEqual([
      'STRIPE_WEBHOOK_SECRET: required when BILLING_PROVIDER_MODE=stripe',
    ]);
    const config = loadConfig({
      BILLING_PROVIDER_MODE: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_123',
      STRIPE_WEBHOOK_SECRET: 'whsec_one',
    });
    expect(config.STRIPE_WEBHOOK_SECRETS).toEqual(['whsec_one']);
  });

  it('a comma-separated STRIPE_WEBHOOK_SECRET becomes the list of secrets accepted during a rotation', () => {
    const config = loadConfig({ STRIPE_WEBHOOK_SECRET: 'whsec_new, whsec_old ,' });
    expect(config.STRIPE_WEBHOOK_SECRETS).toEqual(['whsec_new', 'whsec_old']);
  });

  it('production without ADMIN_API_KEY fails, and with one it loads', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual(['ADMIN_API_KEY: required when NODE_ENV=production']);
    expect(problemsOf({ NODE_ENV: 'production', ADMIN_API_KEY: 'too-short' })).toEqual([
      'ADMIN_API_KEY: must be at least 24 characters',
    ]);
    expect(loadConfig({ NODE_ENV: 'production', ADMIN_API_KEY: validAdminKey }).ADMIN_API_KEY).toBe(validAdminKey);
  });

  it('a production problem is reported together with a malformed field', () => {
    const problems = problemsOf({ NODE_ENV: 'production', WEBHOOK_MAX_ATTEMPTS: '0' });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['ADMIN_API_KEY', 'WEBHOOK_MAX_ATTEMPTS']);
  });

  it('a sandbox webhook secret is random per process unless set, so no well-known default signs webhooks', () => {
    const first = loadConfig({}).SANDBOX_WEBHOOK_SECRET;
    const second = loadConfig({}).SANDBOX_WEBHOOK_SECRET;
    expect(first.length).toBeGreaterThanOrEqual(16);
    expect(first).not.toBe(second);
    expect(loadConfig({ SANDBOX_WEBHOOK_SECRET: 'sandbox_whsec_fixed_0123' }).SANDBOX_WEBHOOK_SECRET).toBe(
      'sandbox_whsec_fixed_0123',
    );
  });

  it('boolean flags read true/false/1/0/yes/no and refuse anything else', () => {
    expect(loadConfig({ SEED_CATALOG: 'no', MIGRATE_ON_START: '0' })).toMatchObject({
      SEED_CATALOG: false,
      MIGRATE_ON_START: false,
    });
    expect(problemsOf({ SEED_CATALOG: 'maybe' })[0]).toMatch(/^SEED_CATALOG:/);
  });

  it('SMTP_URL must be an smtp:// or smtps:// URL and EMAIL_FROM an address', () => {
    expect(loadConfig({ SMTP_URL: 'smtps://mailer:secret@mail.example.com:465' }).SMTP_URL).toBe(
      'smtps://mailer:secret@mail.example.com:465',
    );
    expect(
      problemsOf({ SMTP_URL: 'https://mail.example.com', EMAIL_FROM: 'not an address' })
        .map((problem) => problem.split(':')[0])
        .sort(),
    ).toEqual(['EMAIL_FROM', 'SMTP_URL']);
  });
});
