import type { BillingOverview } from '../../../core/billing/billing-overview.js';
import { html } from '../escape-html.js';

/** The add-ons on the subscription; more are bought on the pricing page. */
export function renderAddonsSection(overview: BillingOverview) {
  const list = overview.addons.map(
    (addon) => html`<li>${addon.name}${addon.quantity > 1 ? html` × ${addon.quantity}` : ''}</li>`,
  );
  return html`<section aria-labelledby="addons-heading">
<h2 id="addons-heading">Add-ons</h2>
${list.length ? html`<ul>${list}</ul>` : html`<p>No add-ons.</p>`}
<p><a href="/pricing#add-ons">Buy add-ons</a></p>
</section>`;
}
