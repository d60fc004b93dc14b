import { formatInstant } from '../../../core/formatting.js';
import { webhookEventTypes } from '../../../core/outbound-webhooks/webhook-event-types.js';
import type { WebhookEndpointRow } from '../../../db/schema/index.js';
import { renderAccountNavigation } from '../account-navigation.js';
import { html, type SafeHtml } from '../escape-html.js';
import { csrfField, type PageViewer, renderPage } from '../page-shell.js';
import type { LockedFeaturePitch } from './locked-feature.js';

export const webhooksPitch: LockedFeaturePitch = {
  title: 'Webhooks',
  summary: 'Have each new signal and each change to your plan sent to your own HTTPS endpoint.',
  benefits: [
    'Every request signed with your secret, so you can check it came from us',
    'Retries with backoff when your endpoint is down',
    'A delivery log per endpoint with the last response',
  ],
};

export interface RecentDelivery {
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  createdAt: Date;
}

export interface EndpointWithDeliveries {
  endpoint: WebhookEndpointRow;
  deliveries: RecentDelivery[];
}

export type WebhooksNotice = 'deleted';

function deliveryList(deliveries: RecentDelivery[]): SafeHtml {
  if (deliveries.length === 0) return html`<p class="muted">No deliveries yet.</p>`;
  return html`<ul class="delivery-list">${deliveries.map(
    (delivery) =>
      html`<li><code>${delivery.eventType}</code>: ${delivery.status}${
        delivery.lastStatusCode === null ? '' : ` (HTTP ${delivery.lastStatusCode})`
      }, ${delivery.attempts} ${delivery.attempts === 1 ? 'attempt' : 'attempts'}, ${formatInstant(delivery.createdAt)}</li>`,
  )}</ul>`;
}

function endpointItem({ endpoint, deliveries }: EndpointWithDeliveries, csrfToken: string): SafeHtml {
  const state =
    endpoint.status === 'active'
      ? 'Active'
      : `Disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}`;
  return html`<li class="card feature-item">
<h2 class="endpoint-url">${endpoint.url}</h2>
<dl>
<dt>State</dt><dd>${state}</dd>
<dt>Events</dt><dd>${endpoint.events.join(', ')}</dd>
<dt>Added</dt><dd>${formatInstant(endpoint.createdAt)}</dd>
</dl>
<h3>Recent deliveries</h3>
${deliveryList(deliveries)}
<div class="actions">
<form method="post" action="/account/webhooks/rotate-secret" class="inline-form">${csrfField(csrfToken)}
<input type="hidden" name="endpoint_id" value="${endpoint.id}">
<button type="submit" class="button">Rotate secret</button>
</form>
<form method="post" action="/account/webhooks/delete" class="inline-form">${csrfField(csrfToken)}
<input type="hidden" name="endpoint_id" value="${endpoint.id}">
<button type="submit" class="button">Delete</button>
</form>
</div>
</li>`;
}

/** The member's endpoints with their recent deliveries, and the form to add one. */
export function renderWebhookEndpointsPage(input: {
  viewer: PageViewer;
  endpoints: EndpointWithDeliveries[];
  notice: WebhooksNotice | undefined;
}): string {
  const { csrfToken } = input.viewer;
  const eventChoices = webhookEventTypes.map(
    (type) =>
      html`<label class="check-choice"><input type="checkbox" name="events" value="${type}"${
        type === 'signal.published' ? html` checked` : ''
      }> ${type}</label>`,
  );
  return renderPage({
    title: 'Webhooks',
    viewer: input.viewer,
    current: 'account',
    body: html`${renderAccountNavigation('webhooks')}
<section class="card narrow feature-card">
${input.notice === 'deleted' ? html`<p class="notice success" role="status">Endpoint deleted with its delivery history.</p>` : ''}
<h1>Webhooks</h1>
<p>We send each event as a signed HTTPS POST to your endpoint. The signing secret is shown once, when you add an endpoint or rotate its secret.</p>
<form method="post" action="/account/webhooks" class="stacked-form">${csrfField(csrfToken)}
<label for="webhook-url">Endpoint URL (https)</label>
<input id="webhook-url" type="url" name="url" required maxlength="2048" placeholder="https://example.com/hooks" autocomplete="off">
<fieldset>
<legend>Events</legend>
${eventChoices}
</fieldset>
<button type="submit" class="button primary">Add endpoint</button>
</form>
</section>
${
  input.endpoints.length === 0
    ? html`<p class="muted feature-empty">No endpoints yet.</p>`
    : html`<ul class="feature-list" aria-label="Your webhook endpoints">${input.endpoints.map((entry) => endpointItem(entry, csrfToken))}</ul>`
}`,
  });
}
