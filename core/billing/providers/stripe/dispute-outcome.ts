/**
 * Stripe's dispute lifecycle reduced to what access needs.
 *
 * - `won` and `lost` are final verdicts.
 * - `warning_closed` (an inquiry that never became a chargeback) and `prevented` (resolved before
 *   a chargeback) are final too and took no money from us, so they count as `won`: leaving them
 *   `open` would freeze the member forever, because no later event closes them. A refund made to
 *   prevent the dispute arrives separately as `charge.refunded`.
 * - Everything else (needs_response, under_review, warning_*, appeal_*, statuses Stripe adds
 *   later) is `open`: the bank has not decided, so access stays frozen.
 */
export const disputeOutcome = (stripeStatus: string): 'open' | 'won' | 'lost' => {
  switch (stripeStatus) {
    case 'won':
    case 'warning_closed':
    case 'prevented':
      return 'won';
    case 'lost':
      return 'lost';
    default:
      return 'open';
  }
};
