import { z } from 'zod';
import type { ErrorCode } from '../error-codes.js';
import { AppError } from '../errors.js';
import { edgeText } from '../validation/edge-text.js';
import { canonicalPrice, comparePrices, isPositivePrice } from './decimal-price.js';

const price = (field: string) =>
  z
    .string()
    .trim()
    .refine(isPositivePrice, { message: `${field} must be a positive decimal number such as 64250.5` })
    .transform(canonicalPrice);

/** What a publisher sends (bot command or POST /v1/signals), before any ordering check. */
export const signalInputSchema = z.object({
  instrument: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'instrument is a symbol such as BTCUSDT or EUR/USD')
    .transform((value) => value.toUpperCase()),
  side: z.enum(['long', 'short']),
  entry: price('entry'),
  stop: price('stop'),
  targets: z.array(price('each target')).min(1, 'give at least one target').max(10),
  note: edgeText()
    .trim()
    .max(500)
    .nullish()
    .transform((value) => (value ? value : null)),
  /** The publisher's key: the same key publishes once, however often it is retried. */
  idempotency_key: edgeText().trim().min(8).max(200),
});

export type SignalInput = z.output<typeof signalInputSchema>;

const orderError = (code: ErrorCode, message: string) => new AppError(code, message, { status: 400 });

/**
 * A long risks downside: its stop sits below the entry and every target above it. A short is
 * the mirror image. Anything else is a typo that would send members the wrong way.
 */
export function checkSignalLevels(input: Pick<SignalInput, 'side' | 'entry' | 'stop' | 'targets'>) {
  const direction = input.side === 'long' ? 1 : -1;
  if (comparePrices(input.stop, input.entry) * direction >= 0)
    throw orderError(
      'signal_stop_wrong_side',
      input.side === 'long' ? 'A long’s stop must be below its entry.' : 'A short’s stop must be above its entry.',
    );
  for (const target of input.targets)
    if (comparePrices(target, input.entry) * direction <= 0)
      throw orderError(
        'signal_target_wrong_side',
        input.side === 'long'
          ? `A long’s targets must be above its entry (${target} is not).`
          : `A short’s targets must be below its entry (${target} is not).`,
      );
}

/** Parses untrusted input once: shape (400 invalid_signal) then levels (400 with their own code). */
export function parseSignalInput(raw: unknown): SignalInput {
  const parsed = signalInputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('invalid_signal', `${issue?.path.join('.') || 'signal'}: ${issue?.message ?? 'invalid'}`, {
      status: 400,
      context: { issues: parsed.error.issues.map((entry) => ({ path: entry.path.join('.'), message: entry.message })) },
    });
  }
  checkSignalLevels(parsed.data);
  return parsed.data;
}
