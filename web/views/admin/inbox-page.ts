import { formatInstant } from '../../../core/formatting.js';
import type { PaymentEventSummary } from '../../../core/webhooks/payment-event-admin.js';
import { html } from '../escape-html.js';
import { csrfField } from '../page-shell.js';
import { renderAdminPage } from './admin-frame.js';

const eventRow = (event: PaymentEventSummary, replay: ReturnType<typeof html> | '') =>
  html`<tr><th scope="row"><code>${event.event_type}</code></th><td>${event.provider}</td><td>${formatInstant(event.received_at)}</td><td>${event.attempts}</td><td>${event.last_error ?? '—'}</td><td>${replay}</td></tr>`;

/** The webhook inbox: counts by status (each a link to its events), failures with their last error, dead letters to replay. */
export function renderInboxPage(input: {
  counts: Record<string, number>;
  failing: PaymentEventSummary[];
  dead: PaymentEventSummary[];
  /** The events of the status picked in the counts row, when one is. */
  filtered?: { status: string; events: PaymentEventSummary[] } | undefined;
  replayed?: string | undefined;
  actor: string;
  csrfToken: string;
}): string {
  const replayButton = (
    event: PaymentEventSummary,
  ) => html`<form method="post" action="/admin/inbox/${event.id}/replay" class="inline-form">
${csrfField(input.csrfToken)}<button type="submit" aria-label="Replay ${event.event_type} received ${formatInstant(event.received_at)}">Replay</button></form>`;
  const head = html`<thead><tr><th scope="col">Event</th><th scope="col">Provider</th><th scope="col">Received</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>`;
  const body = html`<h1>Webhook inbox</h1>
${input.replayed ? html`<p class="notice success" role="status">Event <code>${input.replayed}</code> is queued again.</p>` : ''}
<div class="table-scroll"><table>
<caption>Events by status</caption>
<thead><tr>${Object.keys(input.counts).map((status) => html`<th scope="col">${status}</th>`)}</tr></thead>
<tbody><tr>${Object.entries(input.counts).map(([status, count]) => html`<td data-figure="status:${status}" data-value="${count}"><a href="/admin/inbox?status=${status}"${input.filtered?.status === status ? html` aria-current="true"` : ''} aria-label="${count} ${status}: list them">${count}</a></td>`)}</tr></tbody>
</table></div>
${
  input.filtered
    ? html`<h2>Status: ${input.filtered.status}</h2>
<p><a href="/admin/inbox">Back to dead letters and failures</a></p>
<div class="table-scroll"><table>
<caption>The latest ${input.filtered.events.length} ${input.filtered.status} events, newest first</caption>
${head}
<tbody data-figure="listed" data-value="${input.filtered.events.length}">${input.filtered.events.length ? input.filtered.events.map((event) => eventRow(event, event.status === 'dead' ? replayButton(event) : '')) : html`<tr><td colspan="6">None.</td></tr>`}</tbody>
</table></div>`
    : html`<h2>Dead letters</h2>
<p class="muted">Retries gave up on these. Replaying is safe: every effect is keyed, so nothing doubles.</p>
<div class="table-scroll"><table>
<caption>Dead letters, newest first</caption>
${head}
<tbody>${input.dead.length ? input.dead.map((event) => eventRow(event, replayButton(event))) : html`<tr><td colspan="6">No dead letters.</td></tr>`}</tbody>
</table></div>

<h2>Failing, to be retried</h2>
<div class="table-scroll"><table>
<caption>Latest failures with their last error</caption>
${head}
<tbody>${input.failing.length ? input.failing.map((event) => eventRow(event, '')) : html`<tr><td colspan="6">Nothing failing.</td></tr>`}</tbody>
</table></div>`
}`;
  return renderAdminPage({ title: 'Webhooks', section: 'inbox', actor: input.actor, csrfToken: input.csrfToken, body });
}
