import { formatDate } from '../../../core/formatting.js';
import type { MemberSearchHit } from '../../../core/identity/member-directory.js';
import { html } from '../escape-html.js';
import { renderAdminPage } from './admin-frame.js';

const identityText = (identity: MemberSearchHit['identities'][number]) =>
  `${identity.platform}:${identity.externalId}${identity.username ? ` (${identity.username})` : ''}`;

/** Member search: by email, any platform's id, name or username; each result opens the member's page. */
export function renderMembersPage(input: {
  query: string;
  hits: MemberSearchHit[] | null;
  actor: string;
  csrfToken: string;
}): string {
  const rows = (input.hits ?? []).map(
    ({ user, identities }) => html`<tr>
<th scope="row"><a href="/admin/members/${user.id}">${user.displayName ?? user.email ?? user.id}</a></th>
<td>${user.email ?? '—'}</td>
<td>${identities.length ? identities.map((identity, index) => html`${index ? ', ' : ''}<code>${identityText(identity)}</code>`) : '—'}</td>
<td>${formatDate(user.createdAt)}</td>
</tr>`,
  );
  const results =
    input.hits === null
      ? ''
      : html`<div class="table-scroll"><table>
<caption>${input.hits.length} member${input.hits.length === 1 ? '' : 's'} matching “${input.query}”</caption>
<thead><tr><th scope="col">Member</th><th scope="col">Email</th><th scope="col">Identities</th><th scope="col">Since</th></tr></thead>
<tbody data-figure="results" data-value="${input.hits.length}">${input.hits.length ? rows : html`<tr><td colspan="4">Nobody matches. Try part of an email or name, or a Discord, Telegram or Slack user id.</td></tr>`}</tbody>
</table></div>`;
  const body = html`<h1>Members</h1>
<form method="get" action="/admin/members" role="search" class="form-row">
<div><label for="member-query">Email, platform id or name</label>
<input type="text" id="member-query" name="q" value="${input.query}" maxlength="320" autocomplete="off"></div>
<div><button type="submit" class="primary">Search</button></div>
</form>
<p class="muted">Also understood: a user id, <code>telegram:123456</code>, a Discord mention <code>&lt;@123&gt;</code> or <code>@username</code>, as in <code>/admin lookup</code>.</p>
${results}`;
  return renderAdminPage({
    title: 'Members',
    section: 'members',
    actor: input.actor,
    csrfToken: input.csrfToken,
    body,
  });
}
