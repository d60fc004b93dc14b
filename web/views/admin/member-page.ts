import { formatDate, formatInstant, formatMoney } from '../../../core/formatting.js';
import type { MemberLookup } from '../../../core/identity/member-directory.js';
import { html, type SafeHtml } from '../escape-html.js';
import { csrfField } from '../page-shell.js';
import { renderAdminPage } from './admin-frame.js';

export interface MemberGrant {
  id: string;
  plan_id: string;
  reason: string;
  granted_by: string;
  starts_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface MemberFreeze {
  id: string;
  reason: string;
  created_by: string;
  created_at: string;
  lifted_at: string | null;
}

/** What a finished action says above the member's page (the redirect names it, never free text). */
export const memberNotices = {
  granted: 'Granted. Access follows within seconds.',
  grant_revoked: 'Grant revoked.',
  frozen: 'Frozen: free-tier access until the freeze is lifted.',
  freeze_lifted: 'Freeze lifted.',
  refund_requested: 'Refund sent to the provider. The payment and access follow its webhook.',
  resynced: 'Access reconciled with every platform.',
} as const;

export type MemberNotice = keyof typeof memberNotices;

const reasonField = (id: string, placeholder: string) =>
  html`<div><label for="${id}">Reason (audit log)</label><input type="text" id="${id}" name="reason" maxlength="500" placeholder="${placeholder}"></div>`;

/** One member for the owner: plan and state, money, identities, access per platform, grants and freezes, with actions. */
export function renderMemberPage(input: {
  member: MemberLookup;
  planName: string;
  grants: MemberGrant[];
  freezes: MemberFreeze[];
  grantablePlans: Array<{ id: string; name: string }>;
  notice?: MemberNotice | undefined;
  changes?: number | undefined;
  now: Date;
  actor: string;
  csrfToken: string;
}): string {
  const { member, csrfToken } = input;
  const { user, entitlement } = member;
  const base = `/admin/members/${user.id}`;
  const csrf = csrfField(csrfToken);
  const name = user.displayName ?? user.email ?? user.id;

  const identityRows = member.identities.map(
    (identity) =>
      html`<tr><th scope="row">${identity.platform}</th><td><code>${identity.externalId}</code></td><td>${identity.username ?? '—'}</td><td>${identity.lastSeenAt ? formatInstant(identity.lastSeenAt) : '—'}</td></tr>`,
  );

  const accessRows = member.access.map(
    (row) =>
      html`<tr><th scope="row">${row.platform}</th><td>${row.kind.replaceAll('_', ' ')}</td><td><code>${row.scopeId ? `${row.scopeId}/` : ''}${row.resourceId}</code></td><td data-figure="access:${row.platform}:${row.resourceId}" data-value="${row.state}">${row.state.replaceAll('_', ' ')}</td><td>${row.lastErrorCode ? html`<code>${row.lastErrorCode}</code>` : '—'}${row.needsPerson ? ' (needs a person)' : ''}</td><td>${formatInstant(row.updatedAt)}</td></tr>`,
  );

  const paymentRows = member.payments.map((payment) => {
    const refundable = payment.amountMinor - payment.amountRefundedMinor;
    const refundForm: SafeHtml | string =
      refundable > 0
        ? html`<form method="post" action="${base}/payments/${payment.id}/refund" class="admin-action-form">${csrf}
<label for="refund-amount-${payment.id}">Amount (${payment.currency.toUpperCase()}, empty refunds all that remains)</label>
<input type="text" inputmode="decimal" id="refund-amount-${payment.id}" name="amount" maxlength="20">
${reasonField(`refund-reason-${payment.id}`, 'refund from the admin pages')}
<button type="submit" aria-label="Refund the payment of ${formatDate(payment.paidAt)}, up to ${formatMoney(refundable, payment.currency)}">Refund</button></form>`
        : 'Fully refunded';
    return html`<tr><th scope="row">${formatDate(payment.paidAt)}</th><td>${payment.planId ?? '—'}</td><td>${formatMoney(payment.amountMinor, payment.currency)}</td>
<td data-figure="refunded:${payment.id}" data-value="${payment.amountRefundedMinor}">${payment.amountRefundedMinor > 0 ? `${formatMoney(payment.amountRefundedMinor, payment.currency)}${payment.refundedAt ? ` on ${formatDate(payment.refundedAt)}` : ''}` : '—'}</td>
<td>${payment.disputeStatus ?? '—'}</td><td>${payment.provider}</td><td>${refundForm}</td></tr>`;
  });

  const grantState = (grant: MemberGrant) =>
    grant.revoked_at
      ? `revoked ${formatDate(grant.revoked_at)}`
      : grant.expires_at && new Date(grant.expires_at) <= input.now
        ? 'expired'
        : new Date(grant.starts_at) > input.now
          ? 'starts later'
          : 'in force';
  const grantRows = input.grants.map((grant) => {
    const state = grantState(grant);
    const revoke =
      state === 'in force' || state === 'starts later'
        ? html`<form method="post" action="${base}/grants/${grant.id}/revoke" class="inline-form">${csrf}<input type="hidden" name="reason" value="revoked from the admin pages"><button type="submit" aria-label="Revoke the ${grant.plan_id} grant">Revoke</button></form>`
        : '';
    return html`<tr><th scope="row">${grant.plan_id}</th><td>${formatDate(grant.starts_at)}</td><td>${grant.expires_at ? formatDate(grant.expires_at) : 'no end'}</td><td>${state}</td><td>${grant.reason} <span class="muted">(${grant.granted_by})</span></td><td>${revoke}</td></tr>`;
  });

  const standingFreeze = input.freezes.find((freeze) => !freeze.lifted_at);
  const freezeRows = input.freezes.map(
    (freeze) =>
      html`<tr><th scope="row">${formatDate(freeze.created_at)}</th><td>${freeze.reason} <span class="muted">(${freeze.created_by})</span></td><td>${freeze.lifted_at ? `lifted ${formatDate(freeze.lifted_at)}` : 'standing'}</td><td>${
        freeze.lifted_at
          ? ''
          : html`<form method="post" action="${base}/freezes/${freeze.id}/lift" class="inline-form">${csrf}<input type="hidden" name="reason" value="lifted from the admin pages"><button type="submit">Lift freeze</button></form>`
      }</td></tr>`,
  );

  const planOptions = input.grantablePlans.map((plan) => html`<option value="${plan.id}">${plan.name}</option>`);
  const empty = (columns: number, text: string) => html`<tr><td colspan="${columns}">${text}</td></tr>`;

  const body = html`<p><a href="/admin/members">← Members</a></p>
<h1>${name}</h1>
${input.notice ? html`<p class="notice success" role="status">${memberNotices[input.notice]}${input.notice === 'resynced' && input.changes !== undefined ? ` ${input.changes} change${input.changes === 1 ? '' : 's'}.` : ''}</p>` : ''}
<section aria-labelledby="standing-heading" class="card">
<h2 id="standing-heading">Plan and state</h2>
<p><strong data-figure="tier" data-value="${entitlement.tier}">${input.planName}</strong> · <span data-figure="status" data-value="${entitlement.status}">${entitlement.status.replaceAll('_', ' ')}</span>${entitlement.expires_at ? ` until ${formatDate(entitlement.expires_at)}` : ''}</p>
<p>What <code>/why</code> tells them: “${entitlement.explanation}”</p>
<p class="muted">User id <code>${user.id}</code>${user.email ? html` · <code>${user.email}</code>` : ''} · since ${formatDate(user.createdAt)}${member.subscription ? ` · subscription ${member.subscription.status}` : ''}</p>
</section>

<h2>Payments and refunds</h2>
<div class="table-scroll"><table>
<caption>The last ten payments, newest first</caption>
<thead><tr><th scope="col">Paid</th><th scope="col">Plan</th><th scope="col">Amount</th><th scope="col">Refunded</th><th scope="col">Dispute</th><th scope="col">Provider</th><th scope="col">Refund</th></tr></thead>
<tbody>${paymentRows.length ? paymentRows : empty(7, 'No payments.')}</tbody>
</table></div>

<h2>Identities</h2>
<div class="table-scroll"><table>
<caption>Accounts linked to this member</caption>
<thead><tr><th scope="col">Platform</th><th scope="col">Id</th><th scope="col">Username</th><th scope="col">Last seen</th></tr></thead>
<tbody>${identityRows.length ? identityRows : empty(4, 'No linked accounts.')}</tbody>
</table></div>

<h2>Access per platform</h2>
<div class="table-scroll"><table>
<caption>Discord roles, Telegram chats and Slack channels, as the reconciler last left them</caption>
<thead><tr><th scope="col">Platform</th><th scope="col">Kind</th><th scope="col">Resource</th><th scope="col">State</th><th scope="col">Last error</th><th scope="col">Updated</th></tr></thead>
<tbody>${accessRows.length ? accessRows : empty(6, 'Nothing assigned yet.')}</tbody>
</table></div>
<form method="post" action="${base}/access/sync">${csrf}<button type="submit">Re-sync access now</button></form>

<h2>Grants</h2>
<div class="table-scroll"><table>
<caption>Plans given by hand</caption>
<thead><tr><th scope="col">Plan</th><th scope="col">From</th><th scope="col">Until</th><th scope="col">State</th><th scope="col">Reason</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${grantRows.length ? grantRows : empty(6, 'No grants.')}</tbody>
</table></div>
<form method="post" action="${base}/grants" class="form-row admin-action-form">${csrf}
<div><label for="grant-plan">Plan</label><select id="grant-plan" name="plan_id">${planOptions}</select></div>
<div><label for="grant-days">Days</label><input type="number" id="grant-days" name="days" min="1" max="3650" step="1" value="30" required></div>
${reasonField('grant-reason', 'granted from the admin pages')}
<div><button type="submit" class="primary">Grant</button></div>
</form>

<h2>Freezes</h2>
<p class="muted">A freeze gives free-tier access whatever they paid, until lifted.</p>
<div class="table-scroll"><table>
<caption>Freezes, newest first</caption>
<thead><tr><th scope="col">Frozen</th><th scope="col">Reason</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${freezeRows.length ? freezeRows : empty(4, 'Never frozen.')}</tbody>
</table></div>
${
  standingFreeze
    ? ''
    : html`<form method="post" action="${base}/freezes" class="form-row admin-action-form">${csrf}
${reasonField('freeze-reason', 'frozen from the admin pages')}
<div><button type="submit">Freeze</button></div>
</form>`
}`;
  return renderAdminPage({ title: name, section: 'members', actor: input.actor, csrfToken, body });
}
