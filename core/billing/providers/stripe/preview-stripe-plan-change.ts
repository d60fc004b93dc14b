import type Stripe from 'stripe';
import { z } from 'zod';
import { AppError } from '../../../errors.js';
import type { CheckoutLine, PlanChangePreview } from '../../../ports/payment-provider.js';
import { findTierItem } from './change-stripe-plan.js';
import type { EnsurePrice } from './create-stripe-checkout.js';
import { callStripe } from './stripe-error.js';
import { parseStripeSubscription } from './subscription-snapshot.js';

export interface PreviewStripePlanChangeInput {
  providerSubscriptionId: string;
  line: CheckoutLine;
  prorateAt: Date;
}

/** The parts of a preview invoice we read: its total and which lines are prorations. */
const previewInvoiceSchema = z.object({
  currency: z.string(),
  amount_due: z.number().int(),
  lines: z.object({
    data: z.array(
      z.object({
        amount: z.number().int(),
        period: z.object({ start: z.number().int(), end: z.number().int() }).nullable().optional(),
        parent: z
          .object({
            subscription_item_details: z.object({ proration: z.boolean().optional() }).nullable().optional(),
          })
          .nullable()
          .optional(),
      }),
    ),
  }),
});

/**
 * Stripe's own preview of the next invoice with the tier item swapped and prorations created
 * at `prorateAt` (the same swap changeStripePlan makes): Stripe's rounding, discounts and
 * add-ons, not our guess at them. The proration lines sum to the difference for the rest of
 * the period; the other lines are the next period at the new prices.
 */
export const previewStripePlanChange = async (
  stripe: Stripe,
  ensurePrice: EnsurePrice,
  input: PreviewStripePlanChangeInput,
  idempotencyPrefix: string,
): Promise<PlanChangePreview> => {
  const current = parseStripeSubscription(
    await callStripe('subscriptions.retrieve', () => stripe.subscriptions.retrieve(input.providerSubscriptionId)),
  );
  const tierItem = findTierItem(current);
  if (tierItem === undefined) {
    throw new AppError('subscription_items_missing', 'The Stripe subscription has no item to change', {
      status: 409,
      context: { provider: 'stripe', providerSubscriptionId: input.providerSubscriptionId },
    });
  }
  const price =
    input.line.providerPriceId ??
    (await ensurePrice(input.line, `${idempotencyPrefix}-price-${input.line.planPriceId}`));
  const answer = await callStripe('invoices.createPreview', () =>
    stripe.invoices.createPreview({
      subscription: input.providerSubscriptionId,
      subscription_details: {
        items: [{ id: tierItem.id, price, quantity: input.line.quantity }],
        proration_behavior: 'create_prorations',
        proration_date: Math.floor(input.prorateAt.getTime() / 1000),
      },
    }),
  );
  const parsed = previewInvoiceSchema.safeParse(answer);
  if (!parsed.success) {
    throw new AppError('provider_response_invalid', 'Stripe returned an invoice preview we cannot read', {
      status: 502,
      context: { provider: 'stripe', issues: parsed.error.issues.map((issue) => issue.path.join('.')) },
      cause: parsed.error,
    });
  }
  const invoice = parsed.data;
  const isProration = (line: (typeof invoice.lines.data)[number]) =>
    line.parent?.subscription_item_details?.proration === true;
  const prorations = invoice.lines.data.filter(isProration);
  const period = invoice.lines.data.filter((line) => !isProration(line));
  const periodStarts = period.flatMap((line) => (line.period ? [line.period.start] : []));
  const itemPeriodEnd = tierItem.current_period_end ?? current.current_period_end;
  const nextInvoiceSeconds = periodStarts.length > 0 ? Math.min(...periodStarts) : itemPeriodEnd;
  return {
    currency: invoice.currency,
    prorationMinor: prorations.reduce((sum, line) => sum + line.amount, 0),
    nextInvoiceMinor: invoice.amount_due,
    nextInvoiceAt: nextInvoiceSeconds === null ? null : new Date(nextInvoiceSeconds * 1000),
    recurringMinor: period.reduce((sum, line) => sum + line.amount, 0),
  };
};
