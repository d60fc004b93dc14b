import type { SandboxCheckoutView } from './sandbox-checkouts.js';
import type { SandboxObjectKind } from './sandbox-objects.js';
import type { SandboxRow } from './sandbox-store.js';

/**
 * What the hosted checkout page and the admin endpoints may do to the sandbox: the things a
 * member, a bank or time would do at a real provider. Each change commits in one transaction,
 * then sends its webhooks in order and returns their event ids.
 */
export interface SandboxControls {
  getCheckout(checkoutId: string): Promise<SandboxCheckoutView>;
  /** Refused with `sandbox_checkout_not_open` unless open and unexpired. */
  payCheckout(checkoutId: string): Promise<string[]>;
  declineCheckout(checkoutId: string): Promise<string[]>;
  /** Bills the next period; a subscription set to cancel at period end ends instead. */
  renewSubscription(subscriptionId: string): Promise<string[]>;
  /** The next period's charge fails: past_due. */
  failPayment(subscriptionId: string): Promise<string[]>;
  /** The overdue charge goes through: active again. */
  recoverPayment(subscriptionId: string): Promise<string[]>;
  endSubscription(subscriptionId: string): Promise<string[]>;
  /** Null refunds whatever is left; more than is left is `sandbox_refund_exceeds_payment`. */
  refundPayment(paymentId: string, amountMinor: number | null): Promise<string[]>;
  openDispute(paymentId: string): Promise<string[]>;
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): Promise<string[]>;
  /** Newest first, as stored (events included, with their delivery state). */
  listObjects(kind?: SandboxObjectKind, limit?: number): Promise<SandboxRow[]>;
  /** Sends a stored event again, e.g. after a failed delivery (`sandbox_delivery_failed`). */
  redeliverEvent(eventId: string): Promise<string[]>;
}
