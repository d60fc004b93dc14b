import type { BillingOverview } from '../../../core/billing/billing-overview.js';
import { formatDate, formatMoney } from '../../../core/formatting.js';
import { html } from '../escape-html.js';
import { csrfField } from '../page-shell.js';

const intervalWords: Record<string, string> = { month: 'per month', year: 'per year' };

/** The plan, its state in the bots' words, what happens next, and the buttons that change it. */
export function renderPlanSection(overview: BillingOverview, csrfToken: string) {
  const subscription = overview.subscription;
  const next = subscription?.nextCharge;
  const renewal = subscription
    ? subscription.endsAt
      ? html`<dt>Next billing</dt><dd>None: the subscription ends on ${formatDate(subscription.endsAt)}</dd>`
      : next
        ? html`<dt>Next billing</dt><dd>${formatDate(next.at)}: ${formatMoney(next.amountMinor, next.currency)}${subscription.interval ? html` <span class="muted">(${intervalWords[subscription.interval] ?? subscription.interval})</span>` : ''}</dd>`
        : html`<dt>Next billing</dt><dd>Shown in the payment portal</dd>`
    : '';
  const actions = subscription
    ? html`<div class="billing-actions">
${
  subscription.cancelAtPeriodEnd
    ? html`<form method="post" action="/account/billing/resume">${csrfField(csrfToken)}<button type="submit" class="button primary">Resume subscription</button></form>`
    : html`<form method="post" action="/account/billing/cancel">${csrfField(csrfToken)}<button type="submit" class="button">Cancel at period end</button></form>`
}
<form method="post" action="/account/billing/portal">${csrfField(csrfToken)}<button type="submit" class="button">Open the payment portal</button></form>
</div>
${subscription.cancelAtPeriodEnd ? '' : html`<p class="muted">Canceling keeps your access until the end of the period you paid for; you can resume until then.</p>`}`
    : html`<p><a class="button primary" href="/pricing">See the plans</a></p>`;
  return html`<section aria-labelledby="plan-heading">
<h2 id="plan-heading">Plan</h2>
<dl class="billing-facts">
<dt>Plan</dt><dd>${overview.planName}</dd>
<dt>State</dt><dd data-billing-state>${overview.explanation}</dd>
${renewal}
${subscription ? html`<dt>Payment method</dt><dd>${subscription.paymentMethod}</dd>` : ''}
</dl>
${actions}
</section>`;
}
