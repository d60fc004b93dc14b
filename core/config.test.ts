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

  const production = {
    NODE_ENV: 'production',
    ADMIN_API_KEY: validAdminKey,
    DATABASE_URL: 'postgres://app@db.internal:5432/app',
    PUBLIC_URL: 'https://shop.example.com',
    BILLING_PROVIDER_MODE: 'stripe',
    STRIPE_SECRET_KEY: 'sk_live_123',
    STRIPE_WEBHOOK_SECRET: 'whsec_live',
  };

  it('production starts with a database, an https PUBLIC_URL, an admin key and a real provider, and the sandbox off', () => {
    const config = loadConfig(production);
    expect(config.SANDBOX_ENABLED).toBe(false);
    expect(config.PUBLIC_URL).toBe('https://shop.example.com');
  });

  it('production on the Docker defaults names every unsafe variable at once: admin key, database, public URL, sandbox', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual([
      'ADMIN_API_KEY: required when NODE_ENV=production',
      'DATABASE_URL: required when NODE_ENV=production (without it every machine runs its own empty PGlite)',
      'PUBLIC_URL: required when NODE_ENV=production (links would point at localhost)',
      'BILLING_PROVIDER_MODE: the sandbox provider lets anyone pay without a card: use stripe, or set SANDBOX_ENABLED=true on purpose when NODE_ENV=production',
    ]);
    expect(problemsOf({ ...production, ADMIN_API_KEY: 'too-short' })).toEqual([
      'ADMIN_API_KEY: must be at least 24 characters',
    ]);
  });

  it('production refuses a PUBLIC_URL that is not https', () => {
    expect(problemsOf({ ...production, PUBLIC_URL: 'http://shop.example.com' })).toEqual([
      'PUBLIC_URL: must be https:// when NODE_ENV=production',
    ]);
  });

  it('production runs the sandbox only when SANDBOX_ENABLED=true is set on purpose', () => {
    const sandboxProduction = { ...production, BILLING_PROVIDER_MODE: 'sandbox' };
    expect(problemsOf(sandboxProduction)[0]).toMatch(/^BILLING_PROVIDER_MODE: .*SANDBOX_ENABLED=true/);
    expect(problemsOf({ ...sandboxProduction, SANDBOX_ENABLED: 'false' })[0]).toMatch(/^BILLING_PROVIDER_MODE:/);
    expect(loadConfig({ ...sandboxProduction, SANDBOX_ENABLED: 'true' }).SANDBOX_ENABLED).toBe(true);
    expect(loadConfig({}).SANDBOX_ENABLED).toBe(true);
    expect(loadConfig({ SANDBOX_ENABLED: 'no' }).SANDBOX_ENABLED).toBe(false);
  });

  it('a production problem is reported together with a malformed field', () => {
    const problems = problemsOf({ ...production, ADMIN_API_KEY: undefined, WEBHOOK_MAX_ATTEMPTS: '0' });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['ADMIN_API_KEY', 'WEBHOOK_MAX_ATTEMPTS']);
  });

  it('base URLs must end the way their client expects, since each client appends the rest itself', () => {
    expect(problemsOf({ DISCORD_API_BASE: 'http://127.0.0.1:9000' })).toEqual([
      'DISCORD_API_BASE: must end in /api (discord.js adds the version)',
    ]);
    expect(problemsOf({ SLACK_API_URL: 'http://127.0.0.1:9000/api' })).toEqual([
      'SLACK_API_URL: must end in /api/ (the client appends the method name)',
    ]);
    expect(problemsOf({ TELEGRAM_API_ROOT: 'https://api.telegram.org/bot123:abc' })).toEqual([
      'TELEGRAM_API_ROOT: must not include /bot<token> (grammY adds it)',
    ]);
    expect(problemsOf({ STRIPE_API_BASE: 'http://127.0.0.1:12111/v1' })).toEqual([
      'STRIPE_API_BASE: must be an origin without a path (the SDK adds /v1)',
    ]);
    expect(
      loadConfig({
        DISCORD_API_BASE: 'https://discord.com/api',
        SLACK_API_URL: 'https://slack.com/api/',
        TELEGRAM_API_ROOT: 'https://api.telegram.org',
        STRIPE_API_BASE: 'http://127.0.0.1:12111',
      }).DISCORD_API_BASE,
    ).toBe('https://discord.com/api');
  });

  it('REDIS_PREFIX defaults to cm: and keeps to key-safe characters, so two deployments can share one Redis', () => {
    expect(loadConfig({}).REDIS_PREFIX).toBe('cm:');
    expect(loadConfig({ REDIS_PREFIX: 'shop-b:' }).REDIS_PREFIX).toBe('shop-b:');
    expect(problemsOf({ REDIS_PREFIX: 'has space' })[0]).toMatch(/^REDIS_PREFIX:/);
  });

  it('METRICS_PORT is a port number and METRICS_TOKEN a long secret', () => {
    expect(loadConfig({ METRICS_PORT: '9091' }).METRICS_PORT).toBe(9091);
    expect(loadConfig({ METRICS_PORT: '' }).METRICS_PORT).toBeUndefined();
    const named = problemsOf({ METRICS_PORT: '70000', METRICS_TOKEN: 'short' }).map((problem) => problem.split(':')[0]);
    expect(named.sort()).toEqual(['METRICS_PORT', 'METRICS_TOKEN']);
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
