import type { UpgradeOffer } from '../../../core/catalog/cheapest-plan-with-feature.js';
import { formatMoney } from '../../../core/formatting.js';
import { html, type SafeHtml } from '../escape-html.js';
import { csrfField } from '../page-shell.js';

/**
 * Straight to checkout of the plan that unlocks the feature: the pricing page's own buy form
 * (POST /checkout, plan and monthly interval, CSRF). Without a plan to offer, the pricing page.
 */
export function renderUpgradeButton(offer: UpgradeOffer | undefined, csrfToken: string): SafeHtml {
  if (!offer) return html`<a class="button" href="/pricing">See the plans</a>`;
  return html`<form method="post" action="/checkout" class="inline-form">${csrfField(csrfToken)}
<input type="hidden" name="plan_id" value="${offer.planId}">
<input type="hidden" name="interval" value="month">
<button type="submit" class="button primary">Upgrade to ${offer.planName}: ${formatMoney(offer.monthlyAmountMinor, offer.currency)} per month</button>
</form>`;
}
