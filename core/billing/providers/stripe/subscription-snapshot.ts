import { z } from 'zod';
import { AppError } from '../../../errors.js';
import {
  type SubscriptionSnapshot,
  type SubscriptionStatus,
  subscriptionStatuses,
} from '../../../ports/payment-provider.js';
import { metadataKeys } from '../../metadata-keys.js';
import { metadata, nullableNumber, optionalReference } from './stripe-payload-schemas.js';

const subscriptionSchema = z.object({
  id: z.string(),
  customer: optionalReference,
  /** Any string: Stripe may add statuses (its types say `| OtherString`); see `ourStatus`. */
  status: z.string(),
  metadata,
  cancel_at_period_end: z.boolean(),
  cancel_at: nullableNumber,
  /** Top-level periods exist only before API 2025-03-31.basil; items carry them since. */
  current_period_start: nullableNumber,
  current_period_end: nullableNumber,
  trial_end: nullableNumber,
  canceled_at: nullableNumber,
  ended_at: nullableNumber,
  items: z.object({
    data: z.array(
      z.object({
        id: z.string(),
        quantity: nullableNumber,
        current_period_start: nullableNumber,
        current_period_end: nullableNumber,
        price: z.object({ id: z.string(), metadata }),
      }),
    ),
  }),
});
export type StripeSubscriptionPayload = z.infer<typeof subscriptionSchema>;

export const parseStripeSubscription = (value: unknown): StripeSubscriptionPayload => {
  const parsed = subscriptionSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError('provider_response_invalid', 'Stripe returned a subscription we cannot read', {
    status: 502,
    context: {
      provider: 'stripe',
      issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    },
    cause: parsed.error,
  });
};

/** Told about a status Stripe sent that this build does not know (so it can be logged). */
export type UnknownStatusListener = (status: string, providerSubscriptionId: string) => void;

const knownStatuses: ReadonlySet<string> = new Set(subscriptionStatuses);

/**
 * A status Stripe added after this build is read as `unpaid`: the subscription still exists
 * (the member can see and manage it) but grants no paid access, since we cannot know that the
 * new status means Stripe is being paid. Failing the read instead would break /status and every
 * webhook of that subscription until a deploy.
 */
const ourStatus = (
  status: string,
  providerSubscriptionId: string,
  onUnknownStatus: UnknownStatusListener,
): SubscriptionStatus => {
  if (knownStatuses.has(status)) return status as SubscriptionStatus;
  onUnknownStatus(status, providerSubscriptionId);
  return 'unpaid';
};

/** Stripe's subscription in our terms; `observedAt` is when we read it. */
export const subscriptionSnapshot = (
  value: unknown,
  observedAt: number,
  onUnknownStatus: UnknownStatusListener,
): SubscriptionSnapshot => {
  const subscription = parseStripeSubscription(value);
  const firstItem = subscription.items.data[0];
  return {
    providerSubscriptionId: subscription.id,
    providerCustomerId: subscription.customer,
    userId: subscription.metadata[metadataKeys.userId] ?? null,
    status: ourStatus(subscription.status, subscription.id, onUnknownStatus),
    items: subscription.items.data.map((item) => ({
      planPriceId: item.price.metadata[metadataKeys.planPriceId] ?? null,
      providerPriceId: item.price.id,
      quantity: item.quantity ?? 1,
    })),
    // The portal schedules cancellations with `cancel_at` rather than the flag; both end access.
    cancelAtPeriodEnd: subscription.cancel_at_period_end || subscription.cancel_at !== null,
    currentPeriodStart: optionalDate(firstItem?.current_period_start ?? subscription.current_period_start),
    currentPeriodEnd: optionalDate(firstItem?.current_period_end ?? subscription.current_period_end),
    trialEnd: optionalDate(subscription.trial_end),
    canceledAt: optionalDate(subscription.canceled_at),
    endedAt: optionalDate(subscription.ended_at),
    observedAt,
  };
};

const optionalDate = (seconds: number | null): Date | null => (seconds === null ? null : new Date(seconds * 1000));
