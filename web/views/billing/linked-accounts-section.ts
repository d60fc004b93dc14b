import type { BillingOverview } from '../../../core/billing/billing-overview.js';
import { html } from '../escape-html.js';

const platformNames: Record<string, string> = { discord: 'Discord', telegram: 'Telegram', slack: 'Slack' };

/** The chat accounts that share this plan, and the member's referral link with its results. */
export function renderLinkedAccountsSection(overview: BillingOverview) {
  const accounts = overview.linkedAccounts.map(
    (account) =>
      html`<li>${platformNames[account.platform] ?? account.platform}${account.username ? html`: ${account.username}` : ''}</li>`,
  );
  const { referral } = overview;
  return html`<section aria-labelledby="linked-heading">
<h2 id="linked-heading">Linked chat accounts</h2>
${accounts.length ? html`<ul>${accounts}</ul>` : html`<p>None yet.</p>`}
<p class="muted">Send /link to the bot on another platform to add one.</p>
</section>
<section aria-labelledby="referral-heading">
<h2 id="referral-heading">Referrals</h2>
<p>Your code <code>${referral.code}</code>, or share this link: <a href="${referral.url}" class="break-anywhere">${referral.url}</a></p>
<dl class="billing-facts">
<dt>Joined with your code</dt><dd>${referral.referred}</dd>
<dt>Of them paying</dt><dd>${referral.paying}</dd>
</dl>
</section>`;
}
