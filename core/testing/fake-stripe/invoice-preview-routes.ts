import type { Handler } from './api-handler.js';
import { invalidRequest, missingParameter } from './fake-stripe-error.js';
import type { FakeSubscription, FakeSubscriptionItem } from './fake-stripe-store.js';
import { formFields, formInteger, formRecords, formString } from './form-encoding.js';
import { buildSubscriptionInvoice, repriceSubscriptionItem } from './subscription-objects.js';

/**
 * `POST /v1/invoices/create_preview` for a subscription with item changes: the next invoice
 * as Stripe would bill it, with one credit line (unused time on the old price) and one charge
 * line (the same time on the new price) per changed item, each rounded on its own as Stripe
 * does, then the next period at the new prices. Nothing in the store changes.
 */
export const createInvoicePreview: Handler = ({ fields }, { store }) => {
  const subscriptionId = formString(fields, 'subscription');
  if (subscriptionId === undefined) throw missingParameter('subscription');
  const subscription = store.require('subscription', subscriptionId, 'subscription');
  const details = formFields(fields, 'subscription_details') ?? {};
  const behavior = formString(details, 'proration_behavior') ?? 'create_prorations';
  const prorationDate = formInteger(details, 'proration_date') ?? store.now();
  const previewed: FakeSubscription = structuredClone(subscription);
  const prorationLines: Array<{ amount: number; item: FakeSubscriptionItem }> = [];
  for (const [index, change] of formRecords(details, 'items').entries()) {
    const itemId = formString(change, 'id');
    const item = previewed.items.data.find((candidate) => candidate.id === itemId);
    if (item === undefined) {
      throw invalidRequest(`No such subscription item: '${itemId ?? ''}'`, {
        code: 'resource_missing',
        param: `subscription_details[items][${index}][id]`,
      });
    }
    const priceId = formString(change, 'price');
    const price = priceId === undefined ? item.price : store.require('price', priceId);
    const before = item.price.unit_amount * item.quantity;
    repriceSubscriptionItem(item, price, formInteger(change, 'quantity') ?? item.quantity);
    if (behavior === 'none') continue;
    const length = item.current_period_end - item.current_period_start;
    const remaining = Math.min(length, Math.max(0, item.current_period_end - prorationDate));
    const share = (amount: number) => (length > 0 ? Math.round((amount * remaining) / length) : 0);
    prorationLines.push({ amount: -share(before), item }, { amount: share(price.unit_amount * item.quantity), item });
  }
  const invoice = buildSubscriptionInvoice(store, previewed, { billingReason: 'upcoming', paid: false });
  const lines = (invoice['lines'] as { data: Array<Record<string, unknown>> }).data;
  const template = lines[0] ?? {};
  for (const line of lines) {
    const period = line['period'] as { start: number; end: number };
    line['period'] = { start: period.end, end: period.end + (period.end - period.start) };
  }
  const prorations = prorationLines.map(({ amount, item }) => ({
    ...structuredClone(template),
    id: store.newId('il'),
    amount,
    subtotal: amount,
    description: amount < 0 ? 'Unused time (proration)' : 'Remaining time (proration)',
    period: { start: prorationDate, end: item.current_period_end },
    parent: {
      type: 'subscription_item_details',
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: store.newId('ii'),
        proration: true,
        proration_details: { credited_items: null },
        subscription: previewed.id,
        subscription_item: item.id,
      },
    },
  }));
  const allLines = [...prorations, ...lines];
  const total = allLines.reduce((sum, line) => sum + (line['amount'] as number), 0);
  return {
    ...invoice,
    id: `upcoming_${invoice.id}`,
    status: 'draft',
    lines: { object: 'list', data: allLines, has_more: false, url: '/v1/invoices/upcoming/lines' },
    subtotal: total,
    subtotal_excluding_tax: total,
    total,
    total_excluding_tax: total,
    amount_due: Math.max(0, total),
    amount_remaining: Math.max(0, total),
    hosted_invoice_url: null,
    invoice_pdf: null,
  };
};
