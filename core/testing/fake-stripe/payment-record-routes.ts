import type { Handler } from './api-handler.js';
import { invalidRequest, missingParameter } from './fake-stripe-error.js';
import { formFields, formInteger, formString } from './form-encoding.js';

/**
 * Payment records: payments made outside Stripe and recorded there. A refund of one happens
 * where the payment was made and is reported here; the record's refunded amount only grows.
 */
export const reportPaymentRecordRefund: Handler = ({ params, fields }, { store }) => {
  const record = store.require('payment_record', params['id'] ?? '');
  if (formString(fields, 'outcome') !== 'refunded') throw missingParameter('outcome');
  const processor = formFields(fields, 'processor_details');
  const reference = formString(formFields(processor ?? {}, 'custom') ?? {}, 'refund_reference');
  if (formString(processor ?? {}, 'type') !== 'custom' || reference === undefined) {
    throw missingParameter('processor_details[custom][refund_reference]');
  }
  if (formInteger(formFields(fields, 'refunded') ?? {}, 'refunded_at') === undefined) {
    throw missingParameter('refunded[refunded_at]');
  }
  const remaining = record.amount.value - record.amount_refunded.value;
  const amount = formInteger(formFields(fields, 'amount') ?? {}, 'value') ?? remaining;
  if (amount <= 0 || amount > remaining) {
    throw invalidRequest(`Refund amount (${amount}) is greater than the unrefunded amount (${remaining}).`, {
      param: 'amount[value]',
    });
  }
  record.amount_refunded = { currency: record.amount.currency, value: record.amount_refunded.value + amount };
  return record;
};
