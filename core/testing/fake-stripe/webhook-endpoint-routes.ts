import { type Handler, list, newestFirst } from './api-handler.js';
import { invalidRequest, missingParameter } from './fake-stripe-error.js';
import { formBoolean, formMetadata, formString, formStrings } from './form-encoding.js';

/**
 * Webhook endpoints as Stripe keeps them: the secret is only in the answer to the create call,
 * and the API version is fixed at creation (the update endpoint does not take `api_version`).
 */

export const createWebhookEndpoint: Handler = ({ fields }, { store }) => {
  const url = formString(fields, 'url');
  if (url === undefined) throw missingParameter('url');
  const enabledEvents = formStrings(fields, 'enabled_events');
  if (enabledEvents.length === 0) throw missingParameter('enabled_events');
  const endpoint = store.put('webhook_endpoint', {
    id: store.newId('we'),
    object: 'webhook_endpoint',
    api_version: formString(fields, 'api_version') ?? null,
    application: null,
    created: store.now(),
    description: formString(fields, 'description') ?? null,
    enabled_events: enabledEvents,
    livemode: false,
    metadata: formMetadata(fields) ?? {},
    status: 'enabled',
    url,
  });
  return { ...endpoint, secret: `whsec_${store.newId('x', 32).slice(2)}` };
};

export const updateWebhookEndpoint: Handler = ({ params, fields }, { store }) => {
  const endpoint = store.require('webhook_endpoint', params['id'] ?? '');
  if (fields['api_version'] !== undefined) {
    throw invalidRequest('Received unknown parameter: api_version', { param: 'api_version' });
  }
  const url = formString(fields, 'url');
  if (url !== undefined) endpoint.url = url;
  const enabledEvents = formStrings(fields, 'enabled_events');
  if (enabledEvents.length > 0) endpoint.enabled_events = enabledEvents;
  const disabled = formBoolean(fields, 'disabled');
  if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
  const description = formString(fields, 'description');
  if (description !== undefined) endpoint['description'] = description;
  for (const [key, value] of Object.entries(formMetadata(fields) ?? {})) endpoint.metadata[key] = value;
  return endpoint;
};

export const listWebhookEndpoints: Handler = ({ fields }, { store }) =>
  list('/v1/webhook_endpoints', newestFirst(store.all('webhook_endpoint')), Number(fields['limit'] ?? 10));

export const deleteWebhookEndpoint: Handler = ({ params }, { store }) => {
  const endpoint = store.require('webhook_endpoint', params['id'] ?? '');
  store.remove('webhook_endpoint', endpoint.id);
  return { id: endpoint.id, object: 'webhook_endpoint', deleted: true };
};
