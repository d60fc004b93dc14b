import { html, type SafeHtml } from '../escape-html.js';
import { csrfField, renderPage } from '../page-shell.js';

export type AdminSection = 'dashboard' | 'plans' | 'members' | 'signals' | 'inbox' | 'rollout';

const sections: Array<{ key: AdminSection; href: string; label: string }> = [
  { key: 'dashboard', href: '/admin/dashboard', label: 'Dashboard' },
  { key: 'plans', href: '/admin/catalog', label: 'Plans' },
  { key: 'members', href: '/admin/members', label: 'Members' },
  { key: 'signals', href: '/admin/track-record', label: 'Signals' },
  { key: 'inbox', href: '/admin/inbox', label: 'Webhooks' },
  { key: 'rollout', href: '/admin/rollout', label: 'Billing pages rollout' },
];

/** The site's one frame, with the admin's own navigation and who is signed in. */
export function renderAdminPage(input: {
  title: string;
  section: AdminSection;
  actor: string;
  csrfToken: string;
  body: SafeHtml;
}): string {
  const links = sections.map((section) =>
    section.key === input.section
      ? html`<a href="${section.href}" aria-current="page">${section.label}</a> `
      : html`<a href="${section.href}">${section.label}</a> `,
  );
  return renderPage({
    title: `${input.title} · Admin`,
    body: html`<nav aria-label="Admin" class="admin-nav">${links}</nav>
<p class="muted">Signed in as <code>${input.actor}</code>.
<form method="post" action="/admin/sign-out" class="inline-form">${csrfField(input.csrfToken)}<button type="submit" class="link-button">Sign out</button></form></p>
${input.body}`,
  });
}
