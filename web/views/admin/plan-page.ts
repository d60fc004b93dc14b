import type { PlanAccessResourceRow } from '../../../core/access/plan-access-resources.js';
import type { PlanWithPrices, PriceRow } from '../../../core/catalog/catalog-service.js';
import { formatInstant, formatMoney } from '../../../core/formatting.js';
import { html } from '../escape-html.js';
import { csrfField } from '../page-shell.js';
import { renderAdminPage } from './admin-frame.js';
import {
  chosen,
  draftValue,
  type FormDraft,
  featuresHint,
  intervalLabels,
  type PageRefusal,
  quotaFields,
  refusalNotice,
  savedNotice,
} from './catalog-parts.js';

const resourceKindLabels: Record<string, string> = {
  discord_role: 'Discord role',
  telegram_chat: 'Telegram chat',
  slack_channel: 'Slack channel',
};

const newestFirst = (left: PriceRow, right: PriceRow) =>
  left.interval.localeCompare(right.interval) ||
  left.currency.localeCompare(right.currency) ||
  right.version - left.version;

function priceVersions(plan: PlanWithPrices, subscribers: Map<string, number>) {
  const rows = [...plan.prices].sort(newestFirst).map((price) => {
    const count = subscribers.get(price.id) ?? 0;
    return html`<tr><th scope="row">${intervalLabels[price.interval] ?? price.interval}</th><td>${price.currency.toUpperCase()}</td><td>${formatMoney(price.amountMinor, price.currency)}</td><td>v${price.version}</td><td>${price.active ? 'Current' : 'Old'}</td><td>${price.interval === 'one_time' ? (price.accessDays === null ? 'For good' : `${price.accessDays} days`) : '—'}</td><td data-figure="subscribers:${price.id}" data-value="${count}">${count}</td></tr>`;
  });
  return html`<div class="table-scroll"><table>
<caption>Price versions and current subscribers on each</caption>
<thead><tr><th scope="col">Interval</th><th scope="col">Currency</th><th scope="col">Amount</th><th scope="col">Version</th><th scope="col">State</th><th scope="col">Access</th><th scope="col">Subscribers</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="7">No price yet.</td></tr>`}</tbody>
</table></div>`;
}

function accessResources(
  plan: PlanWithPrices,
  resources: PlanAccessResourceRow[],
  csrfToken: string,
  draft: FormDraft | undefined,
) {
  const rows = resources.map(
    (resource) =>
      html`<tr><th scope="row">${resourceKindLabels[resource.kind] ?? resource.kind}</th><td><code>${resource.resourceId}</code>${resource.scopeId ? html` in <code>${resource.scopeId}</code>` : ''}</td><td>${resource.label || '—'}</td><td>${formatInstant(resource.createdAt)}</td><td>
<form method="post" action="/admin/catalog/${plan.id}/access/${resource.id}/remove" class="inline-form">${csrfField(csrfToken)}<button type="submit" aria-label="Stop granting ${resourceKindLabels[resource.kind] ?? resource.kind} ${resource.label || resource.resourceId}">Remove</button></form></td></tr>`,
  );
  return html`<h2 id="access">Chat access</h2>
<p>Holders of this plan get these Discord roles, Telegram chats and Slack channels; a tier also grants those of every lower tier. Changes reach members on the next access sync. Removing one stops managing it: nobody loses it unless another plan still lists it.</p>
<div class="table-scroll"><table>
<caption>Chat resources this plan grants</caption>
<thead><tr><th scope="col">Kind</th><th scope="col">Id</th><th scope="col">Label</th><th scope="col">Added</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="5">None.</td></tr>`}</tbody>
</table></div>
<form method="post" action="/admin/catalog/${plan.id}/access" class="card" aria-labelledby="access-add">
<h3 id="access-add">Grant a chat resource</h3>
${csrfField(csrfToken)}
<div class="form-row">
<div><label for="access-kind">Kind</label>
<select id="access-kind" name="kind">${Object.entries(resourceKindLabels).map(
    ([kind, label]) =>
      html`<option value="${kind}"${chosen(draft, 'kind', kind, kind === 'discord_role', 'selected')}>${label}</option>`,
  )}</select></div>
<div><label for="access-resource">Role, chat or channel id</label>
<input type="text" id="access-resource" name="resource_id" required maxlength="64" autocomplete="off" value="${draftValue(draft, 'resource_id')}"></div>
<div><label for="access-scope">Discord server (guild) id, roles only</label>
<input type="text" id="access-scope" name="scope_id" maxlength="32" autocomplete="off" value="${draftValue(draft, 'scope_id')}"></div>
<div><label for="access-label">Label</label>
<input type="text" id="access-label" name="label" maxlength="100" value="${draftValue(draft, 'label')}"></div>
</div>
<button type="submit">Add</button>
</form>`;
}

/** The plan page's forms that keep what was typed when refused. */
export type PlanForm = 'details' | 'price' | 'access';

/** One plan or add-on: its details and quotas, its price versions, archiving, and the chat access it grants. */
export function renderPlanPage(input: {
  plan: PlanWithPrices;
  subscribers: Map<string, number>;
  resources: PlanAccessResourceRow[];
  defaultCurrency: string;
  refusal?: PageRefusal | undefined;
  /** The refused form and what was typed into it, filled in again. */
  draft?: { form: PlanForm; fields: FormDraft } | undefined;
  saved?: string | undefined;
  actor: string;
  csrfToken: string;
}): string {
  const { plan, csrfToken } = input;
  const draftOf = (form: PlanForm) => (input.draft?.form === form ? input.draft.fields : undefined);
  const details = draftOf('details');
  const price = draftOf('price');
  const kind = plan.kind === 'tier' ? 'Tier' : 'Add-on';
  const body = html`<div class="admin-plans"><p><a href="/admin/catalog">← All plans</a></p>
<h1>${plan.name} <small class="muted">${kind} <code>${plan.id}</code>${plan.active ? '' : ' · archived'}</small></h1>
${refusalNotice(input.refusal)}
${savedNotice(input.saved)}

<h2 id="prices">Prices</h2>
${priceVersions(plan, input.subscribers)}
<form method="post" action="/admin/catalog/${plan.id}/prices" class="card" aria-labelledby="price-change">
<h3 id="price-change">Change a price</h3>
<p class="muted">Makes a new version for that interval and currency. New purchases pay it; current subscribers stay on the version they bought.</p>
${csrfField(csrfToken)}
<div class="form-row">
<div><label for="price-interval">Interval</label>
<select id="price-interval" name="interval">${Object.entries(intervalLabels).map(([interval, label]) => html`<option value="${interval}"${chosen(price, 'interval', interval, interval === 'month', 'selected')}>${label}</option>`)}</select></div>
<div><label for="price-currency">Currency</label>
<input type="text" id="price-currency" name="currency" value="${draftValue(price, 'currency', input.defaultCurrency)}" pattern="[A-Za-z]{3}" maxlength="3" required></div>
<div><label for="price-amount">New amount</label>
<input type="text" inputmode="decimal" id="price-amount" name="amount" required placeholder="49.00" value="${draftValue(price, 'amount')}"></div>
<div><label for="price-access-days">Access days (one-time only; empty: for good)</label>
<input type="number" min="1" max="36500" step="1" id="price-access-days" name="access_days" value="${draftValue(price, 'access_days')}"></div>
</div>
<button type="submit" class="primary">Save new price</button>
</form>

<h2 id="details">Details and quotas</h2>
<form method="post" action="/admin/catalog/${plan.id}" class="card" aria-labelledby="details">
${csrfField(csrfToken)}
<label for="plan-name">Name</label>
<input type="text" id="plan-name" name="name" required maxlength="80" value="${draftValue(details, 'name', plan.name)}">
<label for="plan-description">Description</label>
<textarea id="plan-description" name="description" maxlength="500" rows="2">${draftValue(details, 'description', plan.description)}</textarea>
<label for="plan-rank">Rank${plan.kind === 'tier' ? ' (higher is better and includes the lower tiers’ chat access)' : ''}</label>
<input type="number" id="plan-rank" name="rank" min="0" max="1000" step="1" value="${draftValue(details, 'rank', plan.rank)}">
<label for="plan-features">Features</label>
${featuresHint}
<textarea id="plan-features" name="features" rows="5" aria-describedby="features-hint">${draftValue(details, 'features', plan.features.join('\n'))}</textarea>
${quotaFields(plan.quotas, 'plan', details)}
<p><input type="checkbox" id="plan-contact-sales" name="contact_sales"${chosen(details, 'contact_sales', 'on', plan.contactSales, 'checked')}> <label for="plan-contact-sales" class="inline-label">Priced with our team (the pricing page shows a contact form instead of a price)</label></p>
<button type="submit" class="primary">Save details</button>
</form>

${accessResources(plan, input.resources, csrfToken, draftOf('access'))}

<h2 id="availability">Availability</h2>
<form method="post" action="/admin/catalog/${plan.id}/archive" class="card" aria-labelledby="availability">
${csrfField(csrfToken)}
${
  plan.active
    ? html`<p>Archiving takes the plan off the pricing page and the bots’ lists and stops new purchases of it. Current holders keep what they have until their subscription or access ends.</p>
<input type="hidden" name="active" value="false"><button type="submit">Archive ${plan.name}</button>`
    : html`<p>Archived: nobody can buy it. Unarchiving puts it back on the pricing page.</p>
<input type="hidden" name="active" value="true"><button type="submit">Unarchive ${plan.name}</button>`
}
</form></div>`;
  return renderAdminPage({ title: plan.name, section: 'plans', actor: input.actor, csrfToken, body });
}
