import { type Handler, retrieve } from './api-handler.js';
import { cancelSubscription, createRefund, listInvoicePayments, updateSubscription } from './billing-routes.js';
import {
  createCheckoutSession,
  createCustomer,
  createPortalSession,
  createPrice,
  createProduct,
  listCheckoutLineItems,
  listPrices,
} from './catalog-routes.js';
import { createCoupon } from './coupon-routes.js';
import { createInvoicePreview } from './invoice-preview-routes.js';
import { reportPaymentRecordRefund } from './payment-record-routes.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  updateWebhookEndpoint,
} from './webhook-endpoint-routes.js';

/** Every endpoint the Stripe adapter calls, and a few reads that help tests look around. */
const routes: Array<{ method: string; pattern: string; handler: Handler }> = [
  { method: 'POST', pattern: '/v1/customers', handler: createCustomer },
  { method: 'GET', pattern: '/v1/customers/:id', handler: retrieve('customer') },
  { method: 'POST', pattern: '/v1/products', handler: createProduct },
  { method: 'GET', pattern: '/v1/products/:id', handler: retrieve('product') },
  { method: 'GET', pattern: '/v1/prices', handler: listPrices },
  { method: 'POST', pattern: '/v1/prices', handler: createPrice },
  { method: 'GET', pattern: '/v1/prices/:id', handler: retrieve('price') },
  { method: 'POST', pattern: '/v1/coupons', handler: createCoupon },
  { method: 'GET', pattern: '/v1/coupons/:id', handler: retrieve('coupon') },
  { method: 'POST', pattern: '/v1/checkout/sessions', handler: createCheckoutSession },
  { method: 'GET', pattern: '/v1/checkout/sessions/:id', handler: retrieve('checkout.session') },
  { method: 'GET', pattern: '/v1/checkout/sessions/:id/line_items', handler: listCheckoutLineItems },
  { method: 'GET', pattern: '/v1/subscriptions/:id', handler: retrieve('subscription') },
  { method: 'POST', pattern: '/v1/subscriptions/:id', handler: updateSubscription },
  { method: 'DELETE', pattern: '/v1/subscriptions/:id', handler: cancelSubscription },
  { method: 'POST', pattern: '/v1/invoices/create_preview', handler: createInvoicePreview },
  { method: 'GET', pattern: '/v1/invoices/:id', handler: retrieve('invoice') },
  { method: 'GET', pattern: '/v1/invoice_payments', handler: listInvoicePayments },
  { method: 'GET', pattern: '/v1/payment_intents/:id', handler: retrieve('payment_intent') },
  { method: 'GET', pattern: '/v1/charges/:id', handler: retrieve('charge') },
  { method: 'POST', pattern: '/v1/refunds', handler: createRefund },
  { method: 'GET', pattern: '/v1/refunds/:id', handler: retrieve('refund') },
  { method: 'GET', pattern: '/v1/disputes/:id', handler: retrieve('dispute') },
  { method: 'POST', pattern: '/v1/billing_portal/sessions', handler: createPortalSession },
  { method: 'GET', pattern: '/v1/payment_records/:id', handler: retrieve('payment_record') },
  { method: 'POST', pattern: '/v1/payment_records/:id/report_refund', handler: reportPaymentRecordRefund },
  { method: 'GET', pattern: '/v1/webhook_endpoints', handler: listWebhookEndpoints },
  { method: 'POST', pattern: '/v1/webhook_endpoints', handler: createWebhookEndpoint },
  { method: 'GET', pattern: '/v1/webhook_endpoints/:id', handler: retrieve('webhook_endpoint') },
  { method: 'POST', pattern: '/v1/webhook_endpoints/:id', handler: updateWebhookEndpoint },
  { method: 'DELETE', pattern: '/v1/webhook_endpoints/:id', handler: deleteWebhookEndpoint },
];

export const findRoute = (
  method: string,
  path: string,
): { handler: Handler; params: Record<string, string> } | null => {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const patternSegments = route.pattern.split('/');
    if (patternSegments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = patternSegments.every((patternSegment, index) => {
      const segment = segments[index] ?? '';
      if (patternSegment.startsWith(':')) {
        params[patternSegment.slice(1)] = decodeURIComponent(segment);
        return segment !== '';
      }
      return patternSegment === segment;
    });
    if (matches) return { handler: route.handler, params };
  }
  return null;
};
