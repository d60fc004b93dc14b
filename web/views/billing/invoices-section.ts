import type { BillingOverview } from '../../../core/billing/billing-overview.js';
import type { InvoiceState } from '../../../core/billing/member-invoices.js';
import { formatDate, formatMoney } from '../../../core/formatting.js';
import { html } from '../escape-html.js';

const stateWords: Record<InvoiceState, string> = {
  paid: 'Paid',
  partially_refunded: 'Partly refunded',
  refunded: 'Refunded',
  disputed: 'Disputed',
  dispute_won: 'Paid (dispute closed in our favour)',
  charged_back: 'Charged back',
};

type Invoice = BillingOverview['invoices'][number];

const describe = (invoice: Invoice) => {
  const name = invoice.planName ?? 'Payment';
  if (invoice.kind === 'one_time') return `${name} (one-time)`;
  if (invoice.periodStart && invoice.periodEnd)
    return `${name}, ${formatDate(invoice.periodStart)} to ${formatDate(invoice.periodEnd)}`;
  return name;
};

/** Every payment our ledger holds for the member, with what refunds and disputes did to it. */
export function renderInvoicesSection(overview: BillingOverview) {
  const rows = overview.invoices.map((invoice) => {
    const refunded =
      invoice.state === 'partially_refunded'
        ? html` <span class="muted">(${formatMoney(invoice.amountRefundedMinor, invoice.currency)} refunded)</span>`
        : '';
    return html`<tr data-invoice-state="${invoice.state}">
<td>${formatDate(invoice.paidAt)}</td>
<td>${describe(invoice)}</td>
<td>${formatMoney(invoice.amountMinor, invoice.currency)}</td>
<td>${stateWords[invoice.state]}${refunded}</td>
<td>${invoice.receiptUrl ? html`<a href="${invoice.receiptUrl}" rel="noopener noreferrer">Receipt<span class="visually-hidden"> of ${formatDate(invoice.paidAt)}</span></a>` : html`<span class="muted">None</span>`}</td>
</tr>`;
  });
  return html`<section aria-labelledby="invoices-heading">
<h2 id="invoices-heading">Invoices and receipts</h2>
${
  rows.length
    ? html`<div class="table-scroll"><table>
<caption>Payments, newest first</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Description</th><th scope="col">Amount</th><th scope="col">Status</th><th scope="col">Receipt</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`
    : html`<p>No payments yet.</p>`
}
</section>`;
}
