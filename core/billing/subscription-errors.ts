import { conflict } from '../errors.js';

/** Refusals of member subscription intents, shared by core and every provider adapter. */

export const subscriptionNotCanceling = (context: Record<string, unknown>) =>
  conflict(
    'subscription_not_canceling',
    'This subscription is not set to cancel, so there is nothing to resume.',
    context,
  );

export const subscriptionEnded = (context: Record<string, unknown>) =>
  conflict(
    'subscription_ended',
    'This subscription has already ended and cannot be resumed; start a new one with /subscribe.',
    context,
  );
