import type { PlanChangePreviewView } from '../../../core/billing/preview-plan-change.js';
import { formatDate, formatMoney } from '../../../core/formatting.js';
import { html } from '../escape-html.js';
import { csrfField, type PageViewer, renderPage } from '../page-shell.js';

const perInterval: Record<string, string> = { month: 'per month', year: 'per year' };

/**
 * The difference for the rest of the period, in words the member can check before confirming.
 * Neither provider charges it at the moment of the switch (Stripe's create_prorations, the
 * sandbox alike): it lands on the next invoice, so the sentence says so rather than "now".
 */
const summarySentence = (preview: PlanChangePreviewView, when: string) => {
  const amount = formatMoney(Math.abs(preview.prorationMinor), preview.currency);
  const next = formatMoney(preview.nextInvoiceMinor, preview.currency);
  const recurring = `${formatMoney(preview.recurringMinor, preview.currency)} ${perInterval[preview.interval] ?? `per ${preview.interval}`}`;
  if (preview.prorationMinor > 0)
    return `Switching now adds ${amount} for the rest of this period to your next invoice on ${when}, which comes to ${next}; after that, ${recurring}.`;
  if (preview.prorationMinor < 0)
    return `Switching now takes a credit of ${amount} for the rest of this period off your next invoice on ${when}, which comes to ${next}; after that, ${recurring}.`;
  return `Your next invoice on ${when} comes to ${next}; after that, ${recurring}.`;
};

/**
 * The preview of a plan switch and the one button that makes it; nothing changes until the
 * member presses it.
 */
export function renderPlanChangePreviewPage(input: { viewer: PageViewer; preview: PlanChangePreviewView }): string {
  const { preview, viewer } = input;
  const when = preview.nextInvoiceAt ? formatDate(preview.nextInvoiceAt) : 'the next billing date';
  return renderPage({
    title: `Switch to ${preview.planName}`,
    viewer,
    current: 'account',
    body: html`<section class="card narrow" aria-labelledby="preview-heading">
<h1 id="preview-heading">Switch to ${preview.planName}</h1>
<p data-preview-summary>${summarySentence(preview, when)}</p>
<dl class="billing-facts">
<dt>For the rest of this period</dt><dd data-preview-proration>${formatMoney(preview.prorationMinor, preview.currency)}</dd>
<dt>Next invoice, on ${when}</dt><dd data-preview-next-invoice>${formatMoney(preview.nextInvoiceMinor, preview.currency)}</dd>
<dt>After that</dt><dd data-preview-recurring>${formatMoney(preview.recurringMinor, preview.currency)} ${perInterval[preview.interval] ?? ''}</dd>
</dl>
<div class="billing-actions">
<form method="post" action="/account/billing/change-plan">${csrfField(viewer.csrfToken)}
<input type="hidden" name="plan_id" value="${preview.planId}">
<button type="submit" class="button primary">Confirm: switch to ${preview.planName}</button>
</form>
<a class="button" href="/account/billing">Keep my plan</a>
</div>
</section>`,
  });
}
