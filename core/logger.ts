import pino, { type Logger } from 'pino';
import { scrubLogLine } from './logging/scrub-log-line.js';
import { serializeLogError } from './logging/serialize-log-error.js';

/** Field names censored wherever a log object carries them (top level or one level down). */
const sensitiveFields = [
  'authorization',
  'password',
  'secret',
  'secretKey',
  'webhookSecret',
  'apiKey',
  'api_key',
  'token',
  'access_token',
  'refresh_token',
  'login_token',
  'card',
  'card_number',
  'cvc',
  'email',
  'customer_email',
  'phone',
  // Who a message goes to is as personal as an email field.
  'to',
  'cc',
  'bcc',
  'recipient',
  'recipients',
  // What a provider or a failed statement carried: billing details, card fingerprints, every parameter.
  'address',
  'billing_details',
  'fingerprint',
  'payload',
  'rawBody',
  'parameters',
];

/**
 * Paths whose values never reach a log line: credentials, signatures, card data and the
 * personal details we hold. Censored rather than removed so it is visible that a value existed.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'req.headers["sandbox-signature"]',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["x-slack-signature"]',
  'headers.authorization',
  // `logger.info({ email })`, `logger.info({ user: { email } })` and one level deeper.
  ...sensitiveFields.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  'ADMIN_API_KEY',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'STRIPE_WEBHOOK_SECRETS',
  'SANDBOX_WEBHOOK_SECRET',
  'WEBHOOK_SECRET_ENCRYPTION_KEY',
  'JWT_SIGNING_SECRET',
  'SMTP_URL',
  'DATABASE_URL',
  'REDIS_URL',
];

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      base: { service: 'community-monetization' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Errors keep their codes and statement names, never the values they carried.
      serializers: { err: serializeLogError },
      // Key redaction cannot see an email inside a message or a token inside a URL: censor by shape too.
      hooks: { streamWrite: scrubLogLine },
    },
    options.destination,
  );
}
