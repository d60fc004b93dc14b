import type { BillingOverview } from '../../../core/billing/billing-overview.js';
import { formatMoney } from '../../../core/formatting.js';
import { html } from '../escape-html.js';
import { csrfField } from '../page-shell.js';

const perInterval: Record<string, string> = { month: '/month', year: '/year' };

/**
 * One form per tier the subscription can switch to; each asks for the preview first, and only
 * the preview page has the button that changes anything. Without a subscription, the way in is
 * the pricing page.
 */
export function renderPlanChangeSection(overview: BillingOverview, csrfToken: string) {
  if (!overview.subscription)
    return html`<section aria-labelledby="change-heading">
<h2 id="change-heading">Upgrade</h2>
<p>You have no subscription. Choose a plan on the pricing page and pay there; it shows up here at once.</p>
<p><a class="button primary" href="/pricing">Buy a plan</a></p>
</section>`;
  if (overview.subscription.cancelAtPeriodEnd)
    return html`<section aria-labelledby="change-heading">
<h2 id="change-heading">Change plan</h2>
<p>Resume the subscription to switch plans.</p>
</section>`;
  const choices = overview.planChoices.map(
    (
      choice,
    ) => html`<li><form class="plan-choice" method="post" action="/account/billing/change-plan/preview">${csrfField(csrfToken)}
<input type="hidden" name="plan_id" value="${choice.planId}">
<span>${choice.name}: ${formatMoney(choice.amountMinor, choice.currency)}${perInterval[choice.interval] ?? ''}</span>
<button type="submit" class="button">${choice.direction === 'upgrade' ? 'Upgrade' : 'Downgrade'} to ${choice.name}</button>
</form></li>`,
  );
  return html`<section aria-labelledby="change-heading">
<h2 id="change-heading">Change plan</h2>
${choices.length ? html`<p>You see the exact cost before anything changes.</p><ul class="plan-choices">${choices}</ul>` : html`<p>There is no other plan to switch to.</p>`}
</section>`;
}
