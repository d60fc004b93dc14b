import type { BillingOverview } from '../../../core/billing/billing-overview.js';
import { renderAccountNavigation } from '../account-navigation.js';
import { html } from '../escape-html.js';
import { csrfField, type PageViewer, renderPage } from '../page-shell.js';
import { renderAddonsSection } from './addons-section.js';
import { renderInvoicesSection } from './invoices-section.js';
import { renderLinkedAccountsSection } from './linked-accounts-section.js';
import { renderPlanChangeSection } from './plan-change-section.js';
import { renderPlanSection } from './plan-section.js';

/** What a finished action tells the member on the page it returns to. */
export type BillingNotice = 'checkout' | 'canceled' | 'resumed' | 'changed';

const noticeWords: Record<BillingNotice, string> = {
  checkout: 'Payment received: your access arrives within seconds.',
  canceled: 'Your subscription is set to cancel at the end of the period.',
  resumed: 'Your subscription renews again.',
  changed: 'Your plan is changed.',
};

/** The member's full billing page: plan, next charge, changes, add-ons, invoices, accounts. */
export function renderBillingPage(input: {
  viewer: PageViewer;
  overview: BillingOverview;
  notice: BillingNotice | null;
}): string {
  const { overview, viewer } = input;
  return renderPage({
    title: 'Billing',
    viewer,
    current: 'account',
    body: html`<div class="billing-page">
${renderAccountNavigation('billing')}
${input.notice ? html`<p class="notice success" role="status">${noticeWords[input.notice]}</p>` : ''}
<h1>Billing</h1>
${renderPlanSection(overview, viewer.csrfToken)}
${renderPlanChangeSection(overview, viewer.csrfToken)}
${renderAddonsSection(overview)}
${renderInvoicesSection(overview)}
${renderLinkedAccountsSection(overview)}
<section aria-labelledby="sign-in-heading">
<h2 id="sign-in-heading">Sign-in</h2>
<form method="post" action="/sign-out/everywhere">${csrfField(viewer.csrfToken)}
<button type="submit" class="button">Sign out everywhere</button>
</form>
<p class="muted">Signs out every browser signed in to your account. API tokens and keys keep working.</p>
</section>
</div>`,
  });
}
