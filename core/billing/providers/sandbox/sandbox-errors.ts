import { badRequest, conflict, notFound } from '../../../errors.js';

/** The sandbox's refusals, each with a stable code the admin page and tests can switch on. */

export const checkoutNotFound = (checkoutId: string) =>
  notFound('sandbox_checkout_not_found', `Sandbox checkout ${checkoutId} does not exist.`, { checkoutId });

export const checkoutNotOpen = (checkoutId: string, status: string) =>
  conflict('sandbox_checkout_not_open', `Sandbox checkout ${checkoutId} is ${status}, not open.`, {
    checkoutId,
    status,
  });

export const checkoutInvalid = (message: string, context?: Record<string, unknown>) =>
  badRequest('sandbox_checkout_invalid', message, context);

export const subscriptionNotFound = (subscriptionId: string) =>
  notFound('sandbox_subscription_not_found', `Sandbox subscription ${subscriptionId} does not exist.`, {
    subscriptionId,
  });

export const subscriptionStateConflict = (subscriptionId: string, status: string, message: string) =>
  conflict('sandbox_subscription_state_conflict', message, { subscriptionId, status });

export const planChangeInvalid = (message: string, context?: Record<string, unknown>) =>
  badRequest('sandbox_plan_change_invalid', message, context);

export const paymentNotFound = (paymentId: string) =>
  notFound('sandbox_payment_not_found', `Sandbox payment ${paymentId} does not exist.`, { paymentId });

export const paymentNotSettled = (paymentId: string) =>
  conflict('sandbox_payment_not_settled', `Sandbox payment ${paymentId} has not succeeded.`, { paymentId });

export const refundAmountInvalid = (amountMinor: number) =>
  badRequest('sandbox_refund_amount_invalid', 'A refund amount must be a positive whole number of minor units.', {
    amountMinor,
  });

export const refundExceedsPayment = (paymentId: string, requestedMinor: number, refundableMinor: number) =>
  badRequest(
    'sandbox_refund_exceeds_payment',
    `Refunding ${requestedMinor} would exceed what remains of payment ${paymentId} (${refundableMinor}).`,
    { paymentId, requestedMinor, refundableMinor },
  );

export const paymentAlreadyDisputed = (paymentId: string, disputeId: string) =>
  conflict('sandbox_payment_already_disputed', `Sandbox payment ${paymentId} already has dispute ${disputeId}.`, {
    paymentId,
    disputeId,
  });

export const disputeNotFound = (disputeId: string) =>
  notFound('sandbox_dispute_not_found', `Sandbox dispute ${disputeId} does not exist.`, { disputeId });

export const disputeNotOpen = (disputeId: string, status: string) =>
  conflict('sandbox_dispute_not_open', `Sandbox dispute ${disputeId} is already ${status}.`, { disputeId, status });

export const paymentNotDisputable = (paymentId: string, reason: string) =>
  conflict('sandbox_payment_not_disputable', `Sandbox payment ${paymentId} cannot be disputed: ${reason}.`, {
    paymentId,
  });
