import { html } from '../escape-html.js';
import { type AdminSection, renderAdminPage } from './admin-frame.js';

/** An admin action core refused: what went wrong, its stable code, and the way back, inside the admin frame. */
export function renderAdminRefusalPage(input: {
  section: AdminSection;
  message: string;
  code: string;
  back: { href: string; label: string };
  actor: string;
  csrfToken: string;
}): string {
  const body = html`<h1>That did not work</h1>
<p class="notice warning" role="alert">${input.message}</p>
<p class="muted"><small>Code: <code data-figure="error-code" data-value="${input.code}">${input.code}</code></small></p>
<p><a href="${input.back.href}">${input.back.label}</a></p>`;
  return renderAdminPage({
    title: 'Refused',
    section: input.section,
    actor: input.actor,
    csrfToken: input.csrfToken,
    body,
  });
}
