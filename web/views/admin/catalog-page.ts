import type { PlanWithPrices, PriceRow } from '../../../core/catalog/catalog-service.js';
import { html } from '../escape-html.js';
import { csrfField } from '../page-shell.js';
import { renderAdminPage } from './admin-frame.js';
import {
  chosen,
  draftValue,
  type FormDraft,
  featuresHint,
  type PageRefusal,
  priceLabel,
  quotaFields,
  refusalNotice,
  savedNotice,
} from './catalog-parts.js';

/** Current prices first, then older versions, newest first. */
const byCurrentThenVersion = (left: PriceRow, right: PriceRow) =>
  Number(right.active) - Number(left.active) ||
  left.interval.localeCompare(right.interval) ||
  left.currency.localeCompare(right.currency) ||
  right.version - left.version;

function priceList(plan: PlanWithPrices, subscribers: Map<string, number>) {
  if (plan.prices.length === 0)
    return html`<span class="muted">${plan.contactSales ? 'Contact sales' : 'No price'}</span>`;
  return html`<ul class="price-versions">${[...plan.prices].sort(byCurrentThenVersion).map((price) => {
    const count = subscribers.get(price.id) ?? 0;
    return html`<li${price.active ? '' : html` class="muted"`}>${priceLabel(price)} · v${price.version}${price.active ? '' : ' (old)'} · <span data-figure="subscribers:${price.id}" data-value="${count}">${count} ${count === 1 ? 'subscriber' : 'subscribers'}</span></li>`;
  })}</ul>`;
}

function planTable(caption: string, plans: PlanWithPrices[], subscribers: Map<string, number>) {
  return html`<div class="table-scroll"><table>
<caption>${caption}</caption>
<thead><tr><th scope="col">Plan</th><th scope="col">Status</th><th scope="col">Prices and subscribers on each version</th></tr></thead>
<tbody>${
    plans.length
      ? plans.map(
          (plan) =>
            html`<tr><th scope="row"><a href="/admin/catalog/${plan.id}">${plan.name}</a><br><code>${plan.id}</code></th><td>${plan.active ? 'Active' : 'Archived'}</td><td>${priceList(plan, subscribers)}</td></tr>`,
        )
      : html`<tr><td colspan="3">None yet.</td></tr>`
  }</tbody>
</table></div>`;
}

/** Every plan and add-on, active and archived, with who pays which price version; and a form for a new one. */
export function renderCatalogPage(input: {
  plans: PlanWithPrices[];
  subscribers: Map<string, number>;
  defaultCurrency: string;
  refusal?: PageRefusal | undefined;
  /** The refused new-plan form, filled in again. */
  draft?: FormDraft | undefined;
  saved?: string | undefined;
  actor: string;
  csrfToken: string;
}): string {
  const { draft } = input;
  const tiers = input.plans.filter((plan) => plan.kind === 'tier');
  const addons = input.plans.filter((plan) => plan.kind !== 'tier');
  const body = html`<div class="admin-plans"><h1>Plans</h1>
${refusalNotice(input.refusal)}
${savedNotice(input.saved)}
<p>A price change makes a new price version: new purchases pay it, current subscribers keep the version they bought. Promo codes are on <a href="/admin/catalog/promotions">their own page</a>.</p>
<h2>Tiers</h2>
${planTable('Tiers, cheapest first', tiers, input.subscribers)}
<h2>Add-ons</h2>
${planTable('Add-ons', addons, input.subscribers)}

<h2 id="new-plan">New plan or add-on</h2>
<form method="post" action="/admin/catalog" class="card" aria-labelledby="new-plan">
${csrfField(input.csrfToken)}
<div class="form-row">
<div><label for="new-id">Id (never changes)</label>
<input type="text" id="new-id" name="id" required pattern="[a-z][a-z0-9_]{1,39}" autocomplete="off" aria-describedby="new-id-hint" value="${draftValue(draft, 'id')}">
<p class="muted" id="new-id-hint"><small>Lower-case letters, digits and _; 2–40 characters.</small></p></div>
<div><label for="new-kind">Kind</label>
<select id="new-kind" name="kind"><option value="tier"${chosen(draft, 'kind', 'tier', true, 'selected')}>Tier</option><option value="addon"${chosen(draft, 'kind', 'addon', false, 'selected')}>Add-on</option></select></div>
</div>
<label for="new-name">Name</label>
<input type="text" id="new-name" name="name" required maxlength="80" value="${draftValue(draft, 'name')}">
<label for="new-description">Description</label>
<textarea id="new-description" name="description" maxlength="500" rows="2">${draftValue(draft, 'description')}</textarea>
<label for="new-rank">Rank (tiers: higher is better and includes the lower tiers' chat access)</label>
<input type="number" id="new-rank" name="rank" min="0" max="1000" step="1" value="${draftValue(draft, 'rank', 0)}">
<label for="new-features">Features</label>
${featuresHint}
<textarea id="new-features" name="features" rows="3" aria-describedby="features-hint">${draftValue(draft, 'features')}</textarea>
${quotaFields({}, 'new', draft)}
<fieldset><legend>First prices (optional; leave empty for none)</legend>
<div class="form-row">
<div><label for="new-currency">Currency</label>
<input type="text" id="new-currency" name="currency" value="${draftValue(draft, 'currency', input.defaultCurrency)}" pattern="[A-Za-z]{3}" maxlength="3"></div>
<div><label for="new-month">Monthly price</label><input type="text" inputmode="decimal" id="new-month" name="month_amount" placeholder="49.00" value="${draftValue(draft, 'month_amount')}"></div>
<div><label for="new-year">Yearly price</label><input type="text" inputmode="decimal" id="new-year" name="year_amount" placeholder="490.00" value="${draftValue(draft, 'year_amount')}"></div>
</div></fieldset>
<p><input type="checkbox" id="new-contact-sales" name="contact_sales"${chosen(draft, 'contact_sales', 'on', false, 'checked')}> <label for="new-contact-sales" class="inline-label">Priced with our team (the pricing page shows a contact form instead of a price)</label></p>
<button type="submit" class="primary">Create plan</button>
</form></div>`;
  return renderAdminPage({ title: 'Plans', section: 'plans', actor: input.actor, csrfToken: input.csrfToken, body });
}
