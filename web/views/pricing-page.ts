import type { PlanWithPrices } from '../../core/catalog/catalog-service.js';
import { formatCount, formatMoney } from '../../core/formatting.js';
import { html, type SafeHtml } from './escape-html.js';
import { csrfField, type PageViewer, renderPage } from './page-shell.js';

export type PricingInterval = 'month' | 'year';

export interface PricingPageInput {
  viewer: PageViewer;
  plans: PlanWithPrices[];
  interval: PricingInterval;
  currency: string;
  /** The signed-in member's current tier id (entitlements), if any. */
  currentPlanId: string | null;
  /** "Card", "Card (sandbox …)", "Crypto": what the page says can be used to pay. */
  paymentMethods: string[];
  /** A code remembered from an invite link or typed before signing in. */
  prefilledCode?: string | undefined;
  notice?: { kind: 'success' | 'warning'; text: string } | undefined;
}

/** `private_channels` -> "Private channels": plans carry ids, people read words. */
export const humanize = (id: string) => {
  const words = id.replaceAll('_', ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const quotaLabels: Record<string, string> = {
  signals_per_day: 'Signals per day',
  signal_delay_seconds: 'Signal delay',
  api_rpm: 'API requests per minute',
  seats: 'Seats',
};

function formatQuota(key: string, value: number | undefined): string {
  if (value === undefined) return '—';
  if (key === 'signal_delay_seconds')
    return value === 0 ? 'Real time' : value % 60 === 0 ? `${value / 60} min` : `${value} s`;
  return formatCount(value);
}

const priceOf = (plan: PlanWithPrices, interval: string, currency: string) =>
  plan.prices.find((price) => price.active && price.interval === interval && price.currency === currency);

function priceLine(plan: PlanWithPrices, interval: PricingInterval, currency: string): SafeHtml {
  if (plan.contactSales) return html`<p class="price">Custom <small>priced with our team</small></p>`;
  const price = priceOf(plan, interval, currency);
  if (price)
    return html`<p class="price">${formatMoney(price.amountMinor, currency)} <small>per ${interval}</small></p>`;
  if (plan.prices.every((each) => !each.active)) return html`<p class="price">Free</p>`;
  return html`<p class="price"><small>Not offered ${interval === 'year' ? 'annually' : 'monthly'}</small></p>`;
}

function planAction(plan: PlanWithPrices, input: PricingPageInput): SafeHtml {
  if (plan.id === input.currentPlanId) return html`<p class="muted">You are on this plan.</p>`;
  if (plan.contactSales) return html`<a class="button" href="#contact-sales">Contact sales</a>`;
  if (!priceOf(plan, input.interval, input.currency)) return html``;
  return html`<button type="submit" class="button primary" name="plan_id" value="${plan.id}">Buy ${plan.name} ${
    input.interval === 'year' ? 'annually' : 'monthly'
  }</button>`;
}

function planCard(plan: PlanWithPrices, input: PricingPageInput): SafeHtml {
  const current = plan.id === input.currentPlanId;
  return html`<article class="card plan${current ? ' current' : ''}" aria-labelledby="plan-${plan.id}">
<h2 id="plan-${plan.id}">${plan.name} ${current ? html`<span class="badge">Your plan</span>` : ''}</h2>
${priceLine(plan, input.interval, input.currency)}
<p>${plan.description}</p>
<div class="actions">${planAction(plan, input)}</div>
</article>`;
}

function comparisonTable(tiers: PlanWithPrices[]): SafeHtml {
  const features = [...new Set(tiers.flatMap((plan) => plan.features))];
  const quotas = [...new Set(tiers.flatMap((plan) => Object.keys(plan.quotas)))];
  const head = tiers.map((plan) => html`<th scope="col">${plan.name}</th>`);
  const quotaRows = quotas.map(
    (key) => html`<tr><th scope="row">${quotaLabels[key] ?? humanize(key)}</th>${tiers.map(
      (plan) => html`<td>${formatQuota(key, plan.quotas[key])}</td>`,
    )}</tr>
`,
  );
  const featureRows = features.map(
    (feature) => html`<tr><th scope="row">${humanize(feature)}</th>${tiers.map((plan) =>
      plan.features.includes(feature)
        ? html`<td class="yes"><span aria-hidden="true">✓</span><span class="visually-hidden">Included</span></td>`
        : html`<td class="no"><span aria-hidden="true">—</span><span class="visually-hidden">Not included</span></td>`,
    )}</tr>
`,
  );
  return html`<h2 id="compare">Compare plans</h2>
<div class="table-scroll" role="region" aria-labelledby="compare" tabindex="0">
<table>
<thead><tr><th scope="col">Feature or quota</th>${head}</tr></thead>
<tbody>
${quotaRows}${featureRows}</tbody>
</table>
</div>`;
}

/**
 * Add-ons stack on the plan being bought: a checkbox each (inside the buy form) for those
 * priced at the chosen interval; the others are listed with what they cost.
 */
function addonList(addons: PlanWithPrices[], interval: PricingInterval, currency: string): SafeHtml {
  if (addons.length === 0) return html``;
  const items = addons.map((addon) => {
    const atInterval = priceOf(addon, interval, currency);
    const anyPrice = atInterval ?? addon.prices.find((each) => each.active && each.currency === currency);
    const price = anyPrice
      ? html`<strong>${formatMoney(anyPrice.amountMinor, currency)}</strong> per ${anyPrice.interval === 'one_time' ? 'purchase' : anyPrice.interval}`
      : '';
    const choice = atInterval
      ? html`<label class="addon-choice"><input type="checkbox" name="addon" value="${addon.id}"> Add ${addon.name}</label>`
      : html`<p class="muted">Not offered ${interval === 'year' ? 'annually' : 'monthly'}.</p>`;
    return html`<div class="card">
<h3>${addon.name}</h3>
<p>${addon.description}</p>
<p>${price}</p>
${choice}
</div>`;
  });
  return html`<h2>Add-ons</h2>
<p class="muted">Add-ons stack on the plan you buy: tick them before pressing its buy button.</p>
<div class="addons">${items}</div>`;
}

function contactSalesForm(plan: PlanWithPrices, viewer: PageViewer): SafeHtml {
  return html`<section class="card" id="contact-sales" aria-labelledby="contact-sales-title">
<h2 id="contact-sales-title">${plan.name}: talk to us</h2>
<p>${plan.name} is set up with our team. Leave your details and a moderator gets back to you.</p>
<form method="post" action="/contact-sales">${csrfField(viewer.csrfToken)}
<input type="hidden" name="plan_id" value="${plan.id}">
<div class="form-row">
<div><label for="contact-name">Name</label><input id="contact-name" name="name" type="text" autocomplete="name" required maxlength="120"></div>
<div><label for="contact-email">Email</label><input id="contact-email" name="email" type="email" autocomplete="email" required maxlength="320"></div>
</div>
<label for="contact-message">What do you need?</label>
<textarea id="contact-message" name="message" maxlength="2000"></textarea>
<p><button type="submit" class="button primary">Send to our team</button></p>
</form>
</section>`;
}

/**
 * Every active plan at the chosen interval, one comparison table, add-ons, the code field,
 * and one buy button per plan. The interval switch is two links (works without JS);
 * pricing.js turns them into an in-page toggle. The buy form's first button is a hidden,
 * disabled one: Enter in the code field submits with the first button, and must buy nothing.
 */
export function renderPricingPage(input: PricingPageInput): string {
  const tiers = input.plans.filter((plan) => plan.kind === 'tier');
  const addons = input.plans.filter((plan) => plan.kind === 'addon');
  const salesPlans = tiers.filter((plan) => plan.contactSales && plan.id !== input.currentPlanId);
  const toggle = (interval: PricingInterval, label: string) =>
    html`<a href="/pricing?interval=${interval}" data-interval="${interval}"${
      input.interval === interval ? html` aria-current="true"` : ''
    }>${label}</a>`;
  return renderPage({
    title: 'Pricing',
    viewer: input.viewer,
    current: 'pricing',
    indexable: true,
    scripts: ['pricing.js'],
    body: html`<h1>Plans and pricing</h1>
${input.notice ? html`<p class="notice ${input.notice.kind}" role="status">${input.notice.text}</p>` : ''}
<nav class="interval-toggle" aria-label="Billing interval">${toggle('month', 'Monthly')}${toggle('year', 'Annual')}</nav>
<form method="post" action="/checkout" id="buy-form">${csrfField(input.viewer.csrfToken)}
<input type="hidden" name="interval" value="${input.interval}">
<button type="submit" disabled hidden>Apply</button>
<div class="plans">
${tiers.map((plan) => planCard(plan, input))}
</div>
${addonList(addons, input.interval, input.currency)}
<div class="card narrow code-field">
<label for="buy-code">Promo or referral code (optional)</label>
<input id="buy-code" name="code" type="text" autocomplete="off" maxlength="64" value="${input.prefilledCode ?? ''}">
<p class="muted">Applied to the plan you buy next.${input.viewer.member ? '' : ' You will be asked to sign in first.'}</p>
</div>
</form>
<p class="payment-methods">Payment methods: ${input.paymentMethods.join(', ')}.</p>
${comparisonTable(tiers)}
${salesPlans.map((plan) => contactSalesForm(plan, input.viewer))}`,
  });
}
