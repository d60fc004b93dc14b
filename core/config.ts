import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** true/false/1/0/yes/no; blank or unset is undefined, so the caller decides what absence means. */
const optionalFlag = optionalString.pipe(
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true' || value === '1' || value === 'yes')),
);

const booleanFlag = (fallback: boolean) => optionalFlag.transform((value) => value ?? fallback);

/** `a, b,,c` -> ['a', 'b', 'c']. */
const commaList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  );

const integer = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

/** A base URL whose path must end a certain way, because the client appends the rest itself. */
const baseUrlEndingWith = (suffix: RegExp, requirement: string) =>
  optionalString.pipe(
    z
      .url()
      .refine((value) => suffix.test(new URL(value).pathname), requirement)
      .optional(),
  );

/** Every variable the app reads, each with its default; `.env.example` and the README list exactly these. */
const environmentVariables = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  APP_ROLE: z.enum(['all', 'web', 'worker', 'bots']).default('all'),
  HOST: z.string().default('0.0.0.0'),
  PORT: integer(3000, 0),
  /** Base of every link we hand out; required (https) in production. */
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where the web pages send members back to the chat (a Telegram t.me link, a Discord invite); unset hides those links. */
  COMMUNITY_URL: optionalString.pipe(z.url().optional()),
  DATA_DIR: z.string().default('./.data'),
  DATABASE_URL: optionalString.pipe(z.url().optional()),
  // PostgreSQL down or stuck: a request that needs it gets a 503 within about these, never hangs (db/client.ts).
  DATABASE_CONNECT_TIMEOUT_MS: integer(2000, 100),
  /** The server cancels longer statements; 0 = never. Migrations run without it. */
  DATABASE_STATEMENT_TIMEOUT_MS: integer(2000, 0),
  DATABASE_POOL_WAIT_TIMEOUT_MS: integer(2000, 10),
  REDIS_URL: optionalString.pipe(z.url().optional()),
  /** Prefix of every Redis key and channel (cache, queues, rate limits), so deployments can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:-]{1,48}$/, 'must be 1-48 letters, digits, _, - or :')
    .default('cm:'),
  ADMIN_API_KEY: optionalString.pipe(z.string().min(24, 'must be at least 24 characters').optional()),
  BILLING_PROVIDER_MODE: z.enum(['sandbox', 'mock', 'stripe']).default('sandbox'),
  DEFAULT_CURRENCY: z
    .string()
    .regex(/^[a-z]{3}$/, 'must be a lower-case ISO 4217 code')
    .default('usd'),
  IDEMPOTENCY_PREFIX: z
    .string()
    .regex(/^[a-z0-9]{2,12}$/, 'must be 2-12 lower-case letters or digits')
    .default('cm'),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  /** An origin only (`http://127.0.0.1:12111`): the SDK adds `/v1/…` itself. */
  STRIPE_API_BASE: baseUrlEndingWith(/^\/?$/, 'must be an origin without a path (the SDK adds /v1)'),
  /** BTCPay Server (Greenfield API): all four set turn the BTCPay provider on. */
  BTCPAY_URL: baseUrlEndingWith(/^(?!.*\/api\/v1)/, "must be the server's base URL, without /api/v1"),
  BTCPAY_API_KEY: optionalString,
  BTCPAY_STORE_ID: optionalString,
  /** The store webhook's secret; several, comma-separated, during a rotation. */
  BTCPAY_WEBHOOK_SECRET: optionalString,
  /** BitPay's API token for invoices; setting it turns the BitPay provider on. */
  BITPAY_TOKEN: optionalString,
  BITPAY_ENVIRONMENT: z.enum(['test', 'prod']).default('test'),
  /** An origin only; unset: https://test.bitpay.com or https://bitpay.com by BITPAY_ENVIRONMENT (tests: a stand-in). */
  BITPAY_API_BASE: baseUrlEndingWith(/^\/?$/, 'must be an origin without a path (the client adds /invoices)'),
  /**
   * The offline sandbox provider (a Pay button that needs no card). Unset: on outside production,
   * off in production, where it must be turned on on purpose since anyone could pay with it.
   */
  SANDBOX_ENABLED: optionalFlag,
  // Unset: a random secret per process. The sandbox signs and verifies in the same process,
  // so nobody outside can forge its webhooks with a well-known default.
  SANDBOX_WEBHOOK_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  WEBHOOK_TOLERANCE_SECONDS: integer(300, 1),
  WEBHOOK_MAX_ATTEMPTS: integer(8, 1),
  WEBHOOK_RETRY_BASE_MS: integer(5000, 1),
  WEBHOOK_SWEEP_CRON: z.string().default('*/15 * * * * *'),
  GRACE_PERIOD_DAYS: integer(3),
  /** A crypto invoice paid this short of its price (basis points) still buys it: wallets round and fees nibble. */
  CRYPTO_UNDERPAYMENT_TOLERANCE_BPS: integer(100).pipe(z.number().max(10_000)),
  RENEWAL_LEEWAY_HOURS: integer(48),
  VAULT_CONTRIBUTION_BPS: integer(1000).pipe(z.number().max(10_000)),
  ENTITLEMENT_CACHE_TTL_SECONDS: integer(300, 1),
  ENTITLEMENT_LOCAL_CACHE_TTL_MS: integer(5000, 0),
  CATALOG_CACHE_TTL_MS: integer(5000, 0),
  BODY_LIMIT_BYTES: integer(1_048_576, 1024),
  /** A request (headers and body) must arrive whole within this, or the server answers 408 and closes (slow-loris). */
  REQUEST_TIMEOUT_MS: integer(15_000, 100),
  /** The headers alone must arrive within this (capped at REQUEST_TIMEOUT_MS); a silent connection is closed after it. */
  REQUEST_HEADERS_TIMEOUT_MS: integer(10_000, 100),
  /** Bearer token for GET /metrics on the public port (the admin key also works). */
  METRICS_TOKEN: optionalString.pipe(z.string().min(24, 'must be at least 24 characters').optional()),
  /** A second listener serving only /metrics, unauthenticated, for a private scraper (Fly's [metrics]). */
  METRICS_PORT: optionalString
    .transform((value) => (value === undefined ? undefined : Number(value)))
    .pipe(z.number().int().min(1).max(65_535).optional()),
  // Bots and access sync (issue 3). A bot starts only when its token is set.
  /** `discord:123,telegram:456,slack:U789`: moderators by platform id, on top of what each platform says. */
  MODERATOR_IDS: commaList.pipe(
    z.array(z.string().regex(/^(discord|telegram|slack|console):\S+$/, 'entries must look like discord:123')),
  ),
  /** Signs checkout and manage links and one-time codes; derived from ADMIN_API_KEY when unset. */
  LINK_SIGNING_SECRET: optionalString.pipe(z.string().min(24, 'must be at least 24 characters').optional()),
  CHECKOUT_LINK_TTL_MINUTES: integer(30, 1),
  LINK_CODE_TTL_MINUTES: integer(10, 1),
  // API access (issue 4): access tokens are HS256 JWTs; the secret is derived from ADMIN_API_KEY when unset.
  JWT_SIGNING_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  ACCESS_TOKEN_TTL_SECONDS: integer(300, 30),
  REFRESH_TOKEN_TTL_DAYS: integer(30, 1),
  LOGIN_LINK_TTL_MINUTES: integer(15, 1),
  /** `smtp://user:password@host:587` or `smtps://…:465`: sign-in links by email; unset keeps them in an outbox. */
  SMTP_URL: optionalString.pipe(
    z
      .url()
      .refine((value) => /^smtps?:\/\//.test(value), 'must start with smtp:// or smtps://')
      .optional(),
  ),
  /** The From of our emails; `no-reply@<PUBLIC_URL host>` when unset. */
  EMAIL_FROM: optionalString.pipe(z.email().optional()),
  ACCESS_RECONCILE_CRON: z.string().default('0 */10 * * * *'),
  RENEWAL_REMINDER_DAYS: integer(3, 1),
  DISCORD_BOT_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString,
  /** Hex Ed25519 key from the developer portal; enables POST /v1/discord/interactions. */
  DISCORD_PUBLIC_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters')
      .optional(),
  ),
  /** Comma-separated guild ids: commands are registered per guild (instant); unset: globally. */
  DISCORD_GUILD_IDS: commaList,
  /** Role ids whose holders may run /admin (besides Administrator and Manage Server). */
  DISCORD_MODERATOR_ROLE_IDS: commaList,
  /** `gateway` (discord.js Client) or `http` (interactions endpoint only). */
  DISCORD_MODE: z.enum(['gateway', 'http']).default('gateway'),
  /** discord.js adds `/v10/…` itself, so this is `https://discord.com/api`-like. */
  DISCORD_API_BASE: baseUrlEndingWith(/\/api\/?$/, 'must end in /api (discord.js adds the version)'),
  DISCORD_REQUESTS_PER_SECOND: z.coerce.number().positive().default(40),
  TELEGRAM_BOT_TOKEN: optionalString,
  /** `polling` (embedded default) or `webhook` (mounted at /v1/telegram/webhook). */
  TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
  TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 letters, digits, _ or -')
      .optional(),
  ),
  /** grammY adds `/bot<token>/<method>` itself, so this is `https://api.telegram.org`-like. */
  TELEGRAM_API_ROOT: baseUrlEndingWith(/^(?!.*\/bot)/, 'must not include /bot<token> (grammY adds it)'),
  /** Chats whose administrators are moderators. */
  TELEGRAM_ADMIN_CHAT_IDS: commaList,
  TELEGRAM_INVITE_TTL_MINUTES: integer(60, 1),
  TELEGRAM_REQUESTS_PER_SECOND: z.coerce.number().positive().default(25),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  /** Set to use Socket Mode instead of HTTP (xapp-...). */
  SLACK_APP_TOKEN: optionalString,
  /** The Web API client appends the method name, so this is `https://slack.com/api/`-like. */
  SLACK_API_URL: baseUrlEndingWith(/\/api\/$/, 'must end in /api/ (the client appends the method name)'),
  /** conversations.invite and kick are Slack Tier 3 (about 50 a minute). */
  SLACK_REQUESTS_PER_SECOND: z.coerce.number().positive().default(0.8),
  // Signals: send limits per platform (token buckets in core/signals/send-gates.ts) and fan-out.
  SIGNAL_TELEGRAM_MESSAGES_PER_SECOND: z.coerce.number().positive().default(30),
  SIGNAL_TELEGRAM_CHAT_MESSAGES_PER_SECOND: z.coerce.number().positive().default(1),
  SIGNAL_DISCORD_REQUESTS_PER_SECOND: z.coerce.number().positive().default(50),
  SIGNAL_SLACK_CHANNEL_MESSAGES_PER_SECOND: z.coerce.number().positive().default(1),
  SIGNAL_FANOUT_BATCH_SIZE: integer(500, 1),
  SIGNAL_SEND_MAX_ATTEMPTS: integer(5, 1),
  SIGNAL_RETRY_BASE_MS: integer(2000, 1),
  SIGNAL_SWEEP_CRON: z.string().default('*/15 * * * * *'),
  /** History older than this needs the `historical_backfill` feature (GET /v1/signals). */
  SIGNAL_HISTORY_DAYS: integer(7, 1),
  // Autotrade sandbox: paper accounts that follow signals (core/autotrade/).
  AUTOTRADE_STARTING_BALANCE_MINOR: integer(1_000_000, 1),
  AUTOTRADE_POSITION_NOTIONAL_MINOR: integer(100_000, 1),
  /** An entry the price never reaches is dropped after this long. */
  AUTOTRADE_ORDER_TTL_HOURS: integer(24, 1),
  AUTOTRADE_MATCH_CRON: z.string().default('*/10 * * * * *'),
  /** VIP daily PnL reports go out at this UTC hour (the hourly job catches up later in the day). */
  AUTOTRADE_REPORT_HOUR_UTC: integer(21).pipe(z.number().max(23)),
  /** The embedded-mode simulated feed: seed, tick interval and largest step per tick. */
  AUTOTRADE_PRICE_SEED: z.string().min(1).default('autotrade'),
  AUTOTRADE_PRICE_TICK_SECONDS: integer(10, 1),
  AUTOTRADE_PRICE_STEP_BPS: integer(25, 1),
  // Outbound webhooks (core/outbound-webhooks/): members' endpoints, signed deliveries, a day of retries.
  /** Tests and local development only: endpoints may be http(s) to loopback. Private ranges stay refused. */
  OUTBOUND_WEBHOOK_ALLOW_LOOPBACK: booleanFlag(false),
  OUTBOUND_WEBHOOK_MAX_ENDPOINTS: integer(10, 1),
  OUTBOUND_WEBHOOK_TIMEOUT_MS: integer(10_000, 100),
  OUTBOUND_WEBHOOK_RETRY_BASE_MS: integer(30_000, 1),
  OUTBOUND_WEBHOOK_RETRY_MAX_DELAY_MS: integer(3_600_000, 1),
  OUTBOUND_WEBHOOK_RETRY_WINDOW_HOURS: integer(24, 1),
  OUTBOUND_WEBHOOK_CONCURRENCY: integer(16, 1),
  OUTBOUND_WEBHOOK_PER_ENDPOINT_CONCURRENCY: integer(4, 1),
  OUTBOUND_WEBHOOK_SWEEP_CRON: z.string().default('*/30 * * * * *'),
  /** Encrypts endpoint signing secrets at rest; derived from ADMIN_API_KEY when unset. */
  WEBHOOK_SECRET_ENCRYPTION_KEY: optionalString.pipe(z.string().min(24, 'must be at least 24 characters').optional()),
  SEED_CATALOG: booleanFlag(true),
  MIGRATE_ON_START: booleanFlag(true),
});

/** The names `.env.example` and the README's tables must list (core/config-documentation.test.ts). */
export const environmentVariableNames = Object.keys(environmentVariables.shape);

const required = (context: z.RefinementCtx, variable: string, message: string) =>
  context.addIssue({ code: 'custom', path: [variable], message });

/** A comma-separated list of signing secrets: during a rotation the old and the new are both valid. */
const secretList = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);

/**
 * The one schema over the environment. Nothing else reads process.env: everything else
 * receives a Config. Defaults give the embedded mode (no service to install).
 */
export const configSchema = environmentVariables
  .superRefine(
    (config, context) => {
      if (config.BILLING_PROVIDER_MODE === 'stripe') {
        if (!config.STRIPE_SECRET_KEY)
          required(context, 'STRIPE_SECRET_KEY', 'required when BILLING_PROVIDER_MODE=stripe');
        if (!config.STRIPE_WEBHOOK_SECRET)
          required(context, 'STRIPE_WEBHOOK_SECRET', 'required when BILLING_PROVIDER_MODE=stripe');
      }
      const btcpay = ['BTCPAY_URL', 'BTCPAY_API_KEY', 'BTCPAY_STORE_ID', 'BTCPAY_WEBHOOK_SECRET'] as const;
      const btcpaySet = btcpay.filter((name) => config[name] !== undefined);
      if (btcpaySet.length > 0)
        for (const name of btcpay)
          if (config[name] === undefined) required(context, name, `required with ${btcpaySet.join(', ')} (BTCPay)`);
      if (config.NODE_ENV === 'production') productionRequirements(config, context);
      // Run even when a field above failed, so one ConfigError names every problem at once.
    },
    { when: () => true },
  )
  .transform((config) => ({
    ...config,
    PUBLIC_URL: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
    SANDBOX_ENABLED: config.SANDBOX_ENABLED ?? config.NODE_ENV !== 'production',
    SANDBOX_WEBHOOK_SECRET: config.SANDBOX_WEBHOOK_SECRET ?? `sbx_whsec_${randomBytes(24).toString('hex')}`,
    BITPAY_API_BASE:
      config.BITPAY_API_BASE ??
      (config.BITPAY_ENVIRONMENT === 'prod' ? 'https://bitpay.com' : 'https://test.bitpay.com'),
    STRIPE_WEBHOOK_SECRETS: secretList(config.STRIPE_WEBHOOK_SECRET),
    BTCPAY_WEBHOOK_SECRETS: secretList(config.BTCPAY_WEBHOOK_SECRET),
  }));

export type Config = z.output<typeof configSchema>;

/**
 * What would silently go wrong on a deployed machine: an embedded database of its own on every
 * machine, links to localhost, a Pay button that needs no card, an admin key nobody chose.
 */
function productionRequirements(config: z.output<typeof environmentVariables>, context: z.RefinementCtx) {
  const when = 'when NODE_ENV=production';
  if (!config.ADMIN_API_KEY) required(context, 'ADMIN_API_KEY', `required ${when}`);
  if (!config.DATABASE_URL)
    required(context, 'DATABASE_URL', `required ${when} (without it every machine runs its own empty PGlite)`);
  if (!config.PUBLIC_URL) required(context, 'PUBLIC_URL', `required ${when} (links would point at localhost)`);
  else if (!config.PUBLIC_URL.startsWith('https://')) required(context, 'PUBLIC_URL', `must be https:// ${when}`);
  if (config.BILLING_PROVIDER_MODE !== 'stripe' && config.SANDBOX_ENABLED !== true)
    required(
      context,
      'BILLING_PROVIDER_MODE',
      `the sandbox provider lets anyone pay without a card: use stripe, or set SANDBOX_ENABLED=true on purpose ${when}`,
    );
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Parses the whole environment at once and names every bad variable, not just the first. */
export function loadConfig(environment: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(environment);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  return result.data;
}
