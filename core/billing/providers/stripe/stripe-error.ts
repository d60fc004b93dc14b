import Stripe from 'stripe';
import { AppError } from '../../../errors.js';

/** Stripe says the object does not exist (HTTP 404, or a 400 naming a missing id). */
export const isResourceMissing = (error: unknown): boolean =>
  error instanceof Stripe.errors.StripeError && (error.code === 'resource_missing' || error.statusCode === 404);

/**
 * One translation from the SDK's errors to ours, so core switches on stable codes and never
 * sees Stripe types. Whether to try again is decided here, once: the SDK has already spent
 * its own network retries by the time an error reaches us.
 */
export const toProviderError = (error: unknown, operation: string): unknown => {
  if (error instanceof AppError || !(error instanceof Stripe.errors.StripeError)) return error;
  const context = {
    provider: 'stripe',
    operation,
    stripeType: error.type,
    stripeCode: error.code ?? null,
    stripeStatus: error.statusCode ?? null,
    stripeMessage: error.message,
    stripeParam: error.param ?? null,
    stripeRequestId: error.requestId ?? null,
  };
  if (isTransient(error)) {
    return new AppError('provider_unavailable', `Stripe is unavailable for ${operation}; try again later`, {
      status: 503,
      retryable: true,
      context,
      cause: error,
    });
  }
  if (isResourceMissing(error)) {
    return new AppError('provider_resource_missing', `Stripe has no such object for ${operation}: ${error.message}`, {
      status: 502,
      context,
      cause: error,
    });
  }
  return new AppError('provider_rejected', `Stripe rejected ${operation}: ${error.message}`, {
    status: 502,
    context,
    cause: error,
  });
};

const isTransient = (error: InstanceType<typeof Stripe.errors.StripeError>): boolean =>
  error instanceof Stripe.errors.StripeRateLimitError ||
  error instanceof Stripe.errors.StripeConnectionError ||
  error.statusCode === 409 ||
  (error.statusCode !== undefined && error.statusCode >= 500) ||
  (error instanceof Stripe.errors.StripeAPIError && error.statusCode === undefined);

/** Runs one SDK call and converts whatever it throws. */
export const callStripe = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw toProviderError(error, operation);
  }
};
