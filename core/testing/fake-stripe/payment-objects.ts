import type {
  FakeCharge,
  FakeDispute,
  FakePaymentIntent,
  FakeRefund,
  FakeStripeStore,
  Metadata,
} from './fake-stripe-store.js';
import { objectTemplate } from './fixture-templates.js';

/** Builders for money movements (payment intents, charges, refunds, disputes), from the fixtures. */

export const buildPaymentIntent = (
  store: FakeStripeStore,
  fields: { amount: number; currency: string; customer: string | null; metadata: Metadata; description: string | null },
): FakePaymentIntent => {
  const id = store.newId('pi');
  return {
    ...objectTemplate('payment_intent'),
    ...fields,
    id,
    object: 'payment_intent',
    amount_capturable: 0,
    amount_received: 0,
    canceled_at: null,
    client_secret: `${id}_secret_${store.newId('s').slice(2)}`,
    created: store.now(),
    last_payment_error: null,
    latest_charge: null,
    next_action: null,
    payment_method: store.newId('pm'),
    processing: null,
    shipping: null,
    status: 'requires_payment_method',
    transfer_data: null,
  };
};

export const buildCharge = (store: FakeStripeStore, paymentIntent: FakePaymentIntent): FakeCharge => {
  const template = objectTemplate('charge');
  const { refunds: _notIncludedSince20221115, ...chargeTemplate } = template;
  const card = (template['payment_method_details'] as { card: Record<string, unknown> }).card;
  return {
    ...chargeTemplate,
    id: store.newId('ch'),
    object: 'charge',
    amount: paymentIntent.amount,
    amount_captured: paymentIntent.amount,
    amount_refunded: 0,
    balance_transaction: store.newId('txn'),
    captured: true,
    created: store.now(),
    currency: paymentIntent.currency,
    customer: paymentIntent.customer,
    description: paymentIntent['description'] ?? null,
    disputed: false,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      risk_score: 12,
      seller_message: 'Payment complete.',
      type: 'authorized',
    },
    paid: true,
    payment_intent: paymentIntent.id,
    payment_method: paymentIntent['payment_method'],
    payment_method_details: {
      type: 'card',
      card: {
        ...card,
        amount_authorized: paymentIntent.amount,
        overcapture: { maximum_amount_capturable: paymentIntent.amount, status: 'unavailable' },
        wallet: null,
      },
    },
    receipt_email: store.find('customer', paymentIntent.customer ?? '')?.email ?? null,
    refunded: false,
    shipping: null,
    source: null,
    status: 'succeeded',
    transfer_data: null,
  };
};

export const buildRefund = (store: FakeStripeStore, charge: FakeCharge, amount: number): FakeRefund => ({
  ...objectTemplate('refund'),
  id: store.newId('re'),
  object: 'refund',
  amount,
  balance_transaction: store.newId('txn'),
  charge: charge.id,
  created: store.now(),
  currency: charge.currency,
  customer: charge.customer,
  payment_intent: charge.payment_intent,
  status: 'succeeded',
});

export const buildDispute = (store: FakeStripeStore, charge: FakeCharge): FakeDispute => {
  const template = objectTemplate('dispute');
  const id = store.newId('dp');
  const now = store.now();
  return {
    ...template,
    id,
    object: 'dispute',
    amount: charge.amount,
    charge: charge.id,
    payment_intent: charge.payment_intent,
    currency: charge.currency,
    created: now,
    reason: 'fraudulent',
    status: 'needs_response',
    is_charge_refundable: false,
    enhanced_eligibility_types: [],
    intended_submission_method: null,
    payment_method_details: {
      type: 'card',
      card: { brand: 'visa', case_type: 'chargeback', network_reason_code: '10.4', network: 'visa' },
    },
    evidence_details: {
      ...(template['evidence_details'] as object),
      due_by: now + 21 * 24 * 60 * 60,
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    balance_transactions: [
      {
        id: store.newId('txn'),
        object: 'balance_transaction',
        amount: -charge.amount,
        currency: charge.currency,
        fee: 1500,
        net: -charge.amount - 1500,
        type: 'adjustment',
        reporting_category: 'dispute',
        status: 'available',
        created: now,
        available_on: now,
        description: `Chargeback withdrawal for ${charge.id}`,
        exchange_rate: null,
        fee_details: [
          {
            amount: 1500,
            application: null,
            currency: charge.currency,
            description: 'Dispute fee',
            type: 'stripe_fee',
          },
        ],
        source: id,
        balance_type: 'payments',
      },
    ],
  };
};
