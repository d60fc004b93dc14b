import { formatDate } from '../../core/formatting.js';
import { html } from './escape-html.js';
import { csrfField, type PageViewer, renderPage } from './page-shell.js';

const statusLabels: Record<string, string> = {
  free: 'Free (no paid plan)',
  trialing: 'Trial',
  active: 'Active',
  past_due: 'Payment due: update your card soon to keep access',
  canceled_at_period_end: 'Canceled: access continues until the end of the period',
  ended: 'Ended',
  refunded: 'Refunded',
  disputed: 'Payment disputed',
  frozen: 'Frozen by a moderator',
};

/**
 * The signed-in member's plan and state from entitlements: what a member outside the billing
 * pages' rollout sees (it is the payment portal's return page, so it always answers).
 */
export function renderAccountBillingPage(input: {
  viewer: PageViewer;
  planName: string;
  status: string;
  expiresAt: string | null;
  checkoutNotice: boolean;
}): string {
  return renderPage({
    title: 'Your plan',
    viewer: input.viewer,
    current: 'account',
    body: html`<section class="card narrow">
${input.checkoutNotice ? html`<p class="notice success" role="status">Payment received: your access arrives within seconds.</p>` : ''}
<h1>Your plan</h1>
<dl>
<dt>Plan</dt><dd>${input.planName}</dd>
<dt>State</dt><dd>${statusLabels[input.status] ?? input.status}</dd>
${input.expiresAt ? html`<dt>Access until</dt><dd>${formatDate(input.expiresAt)}</dd>` : ''}
</dl>
<p><a class="button primary" href="/pricing">Change plan</a></p>
<p class="muted">To update your card or cancel, send /manage to the bot.</p>
<p class="muted" data-billing-coming>The full billing page (invoices, plan changes, add-ons) is coming to the web soon; until then /manage in the bot does all of it.</p>
<h2>Sign-in</h2>
<form method="post" action="/sign-out/everywhere">${csrfField(input.viewer.csrfToken)}
<button type="submit" class="button">Sign out everywhere</button>
</form>
<p class="muted">Signs out every browser signed in to your account. API tokens and keys keep working.</p>
</section>`,
  });
}
