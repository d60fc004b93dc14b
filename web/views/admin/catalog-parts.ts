import type { PriceRow } from '../../../core/catalog/catalog-service.js';
import { formatMoney } from '../../../core/formatting.js';
import { html, type SafeHtml } from '../escape-html.js';

/** A form's refusal above the forms: the message and its stable code (support reads the code off a screenshot). */
export interface PageRefusal {
  message: string;
  code: string;
}

/** What the admin typed into a refused form (field to value), so the page fills it in again. */
export type FormDraft = Record<string, string | string[]>;

/** A field's typed value when the form was refused, else what the page shows normally. */
export function draftValue(draft: FormDraft | undefined, field: string, fallback: string | number = ''): string {
  if (!draft) return String(fallback);
  const value = draft[field];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** ` selected` / ` checked` when the draft (or, without one, the default) holds `value`. */
export function chosen(
  draft: FormDraft | undefined,
  field: string,
  value: string,
  isDefault: boolean,
  attribute: 'selected' | 'checked',
) {
  const picked = draft ? [draft[field] ?? []].flat().includes(value) : isDefault;
  return picked ? html` ${attribute}` : '';
}

export const refusalNotice = (refusal: PageRefusal | undefined) =>
  refusal
    ? html`<p class="notice warning" role="alert">${refusal.message} <small>Code: <code data-error-code="${refusal.code}">${refusal.code}</code></small></p>`
    : '';

export const savedNotice = (message: string | undefined) =>
  message ? html`<p class="notice success" role="status">${message}</p>` : '';

/** The quota names the entitlement checks read today; others a moderator adds are shown by name. */
export const quotaLabels: Record<string, string> = {
  signals_per_day: 'Signals per day',
  signal_delay_seconds: 'Signal delay (seconds)',
  api_rpm: 'API requests per minute',
  seats: 'Seats',
};

export const intervalLabels: Record<string, string> = { month: 'Monthly', year: 'Yearly', one_time: 'One-time' };

export const priceLabel = (price: PriceRow) =>
  `${intervalLabels[price.interval] ?? price.interval} ${price.currency.toUpperCase()} ${formatMoney(price.amountMinor, price.currency)}`;

/** One number field per quota (empty: the plan sets none), then a free slot for a new quota name. */
export function quotaFields(quotas: Record<string, number>, idPrefix: string, draft?: FormDraft): SafeHtml {
  const names = [...new Set([...Object.keys(quotaLabels), ...Object.keys(quotas)])];
  return html`<fieldset><legend>Quotas</legend>
<p class="muted">Tier quotas are what a holder gets; an add-on's quotas are added per unit. Leave a field empty for none.</p>
<div class="form-row">${names.map(
    (name) => html`<div><label for="${idPrefix}-quota-${name}">${quotaLabels[name] ?? name}</label>
<input type="number" min="0" step="1" id="${idPrefix}-quota-${name}" name="quota_${name}" value="${draftValue(draft, `quota_${name}`, quotas[name] ?? '')}"></div>`,
  )}</div>
<div class="form-row"><div><label for="${idPrefix}-new-quota-name">Another quota: name</label>
<input type="text" id="${idPrefix}-new-quota-name" name="new_quota_name" pattern="[a-z][a-z0-9_]*" autocomplete="off" value="${draftValue(draft, 'new_quota_name')}"></div>
<div><label for="${idPrefix}-new-quota-value">Its amount</label>
<input type="number" min="0" step="1" id="${idPrefix}-new-quota-value" name="new_quota_value" value="${draftValue(draft, 'new_quota_value')}"></div></div>
</fieldset>`;
}

export const featuresHint = html`<p class="muted" id="features-hint">Feature keys, one per line (lower-case letters, digits and _). A key only switches something on where the product checks it.</p>`;
