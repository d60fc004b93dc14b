import type { PlanWithPrices } from '../../../core/catalog/catalog-service.js';
import { formatInstant } from '../../../core/formatting.js';
import type { PromotionView } from '../../../core/promotions/promotion-schemas.js';
import { html } from '../escape-html.js';
import { csrfField } from '../page-shell.js';
import { renderAdminPage } from './admin-frame.js';
import { chosen, draftValue, type FormDraft, type PageRefusal, refusalNotice, savedNotice } from './catalog-parts.js';

const durations = [
  ['once', 'The first payment'],
  ['repeating', 'Several months'],
  ['forever', 'Every payment'],
] as const;

function promotionRow(promotion: PromotionView, csrfToken: string) {
  const action = promotion.active
    ? html`<form method="post" action="/admin/catalog/promotions/${promotion.code}/deactivate" class="inline-form">${csrfField(csrfToken)}<button type="submit" aria-label="Deactivate ${promotion.code}">Deactivate</button></form>`
    : html`<span class="muted">Off since ${promotion.disabled_at ? formatInstant(promotion.disabled_at) : '—'}</span>`;
  return html`<tr><th scope="row"><code>${promotion.code}</code></th><td>${promotion.description}</td><td>${promotion.plan_ids.length ? promotion.plan_ids.join(', ') : 'Every tier'}</td><td data-figure="redemptions:${promotion.code}" data-value="${promotion.redemptions}">${promotion.redemptions}${promotion.max_redemptions === null ? '' : ` of ${promotion.max_redemptions}`}</td><td>${promotion.expires_at ? formatInstant(promotion.expires_at) : 'Never'}</td><td data-figure="active:${promotion.code}" data-value="${promotion.active ? 'true' : 'false'}">${promotion.active ? 'Active' : 'Deactivated'}</td><td>${action}</td></tr>`;
}

/** Promo codes: every one with its use, a form for a new one, and a button to stop each. */
export function renderPromotionsPage(input: {
  promotions: PromotionView[];
  tiers: PlanWithPrices[];
  defaultCurrency: string;
  refusal?: PageRefusal | undefined;
  /** The refused new-code form, filled in again. */
  draft?: FormDraft | undefined;
  saved?: string | undefined;
  actor: string;
  csrfToken: string;
}): string {
  const { csrfToken, draft } = input;
  const body = html`<div class="admin-plans"><p><a href="/admin/catalog">← All plans</a></p>
<h1>Promo codes</h1>
${refusalNotice(input.refusal)}
${savedNotice(input.saved)}
<p>Members type a code with <code>/redeem</code> in the bots or on the pricing page; the discount applies to their checkout. A deactivated code cannot be redeemed again; its row and redemptions stay.</p>
<div class="table-scroll"><table>
<caption>Promo codes, newest first</caption>
<thead><tr><th scope="col">Code</th><th scope="col">Discount</th><th scope="col">Tiers</th><th scope="col">Used</th><th scope="col">Expires</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${input.promotions.length ? input.promotions.map((promotion) => promotionRow(promotion, csrfToken)) : html`<tr><td colspan="7">No promo codes yet.</td></tr>`}</tbody>
</table></div>

<h2 id="new-promotion">New promo code</h2>
<form method="post" action="/admin/catalog/promotions" class="card" aria-labelledby="new-promotion">
${csrfField(csrfToken)}
<label for="promotion-code">Code</label>
<input type="text" id="promotion-code" name="code" required pattern="[A-Za-z0-9_\\-]{1,64}" maxlength="64" autocomplete="off" value="${draftValue(draft, 'code')}">
<fieldset><legend>Discount</legend>
<div><input type="radio" id="discount-percent" name="discount" value="percent"${chosen(draft, 'discount', 'percent', true, 'checked')}> <label for="discount-percent" class="inline-label">Percent off</label></div>
<div><input type="radio" id="discount-amount" name="discount" value="amount"${chosen(draft, 'discount', 'amount', false, 'checked')}> <label for="discount-amount" class="inline-label">Amount off</label></div>
<div class="form-row">
<div><label for="discount-value">Percent (1–100) or amount</label>
<input type="text" inputmode="decimal" id="discount-value" name="discount_value" required value="${draftValue(draft, 'discount_value')}"></div>
<div><label for="promotion-currency">Currency of an amount</label>
<input type="text" id="promotion-currency" name="currency" value="${draftValue(draft, 'currency', input.defaultCurrency)}" pattern="[A-Za-z]{3}" maxlength="3"></div>
</div></fieldset>
<div class="form-row">
<div><label for="promotion-duration">Applies to</label>
<select id="promotion-duration" name="duration">${durations.map(([value, label]) => html`<option value="${value}"${chosen(draft, 'duration', value, value === 'once', 'selected')}>${label}</option>`)}</select></div>
<div><label for="promotion-months">Months (for several months)</label>
<input type="number" min="1" max="120" step="1" id="promotion-months" name="duration_in_months" value="${draftValue(draft, 'duration_in_months')}"></div>
<div><label for="promotion-max">Most redemptions (empty: no limit)</label>
<input type="number" min="1" step="1" id="promotion-max" name="max_redemptions" value="${draftValue(draft, 'max_redemptions')}"></div>
<div><label for="promotion-expires">Last day it works (UTC; empty: never expires)</label>
<input type="date" id="promotion-expires" name="expires_on" value="${draftValue(draft, 'expires_on')}"></div>
</div>
<fieldset><legend>Tiers it applies to (none ticked: every tier)</legend>
${input.tiers.map((tier) => html`<div><input type="checkbox" id="promotion-plan-${tier.id}" name="plan_ids" value="${tier.id}"${chosen(draft, 'plan_ids', tier.id, false, 'checked')}> <label for="promotion-plan-${tier.id}" class="inline-label">${tier.name}</label></div>`)}
</fieldset>
<button type="submit" class="primary">Create promo code</button>
</form></div>`;
  return renderAdminPage({ title: 'Promo codes', section: 'plans', actor: input.actor, csrfToken, body });
}
