import { html, raw } from '../escape-html.js';
import { csrfField, renderPage } from '../page-shell.js';

const errorNotice = (error: string | undefined) =>
  error ? html`<p class="notice warning" role="alert">${error}</p>` : '';

/** First factor: the admin key (moderators use `/admin weblogin` in a chat instead). */
export function renderAdminSignInPage(input: { csrfToken: string; error?: string | undefined }): string {
  return renderPage({
    title: 'Admin sign-in',
    body: html`<section class="card narrow">
<h1>Admin sign-in</h1>
${errorNotice(input.error)}
<form method="post" action="/admin/sign-in">
${csrfField(input.csrfToken)}
<label for="admin-key">Admin key</label>
<input type="password" id="admin-key" name="admin_key" autocomplete="current-password" required>
<button type="submit" class="primary">Continue</button>
</form>
<p class="muted">Moderators: send <code>/admin weblogin</code> to the bot for a one-time link. A two-factor code follows either way.</p>
</section>`,
  });
}

/**
 * The bot's link lands here and is spent only by pressing the button: chat apps fetch links
 * to preview them, and a preview must not use up (or sign in with) the link.
 */
export function renderAdminLinkPage(input: { csrfToken: string; token: string }): string {
  return renderPage({
    title: 'Admin sign-in',
    body: html`<section class="card narrow">
<h1>Sign in to the admin pages</h1>
<form method="post" action="/admin/sign-in/link">
${csrfField(input.csrfToken)}
<input type="hidden" name="token" value="${input.token}">
<button type="submit" class="primary">Continue</button>
</form>
</section>`,
  });
}

const codeForm = (
  csrfToken: string,
  action: string,
  label: string,
  hint: string,
) => html`<form method="post" action="${action}">
${csrfField(csrfToken)}
<label for="code">${label}</label>
<input type="text" id="code" name="code" inputmode="text" autocomplete="one-time-code" required aria-describedby="code-hint">
<p id="code-hint" class="muted">${hint}</p>
<button type="submit" class="primary">Verify</button>
</form>`;

/** Enrolment: the QR code (SVG drawn on the server) and the secret for typing in. */
export function renderAdminEnrolPage(input: {
  csrfToken: string;
  actor: string;
  secret: string;
  qrSvg: string;
  error?: string | undefined;
}): string {
  return renderPage({
    title: 'Set up two-factor sign-in',
    body: html`<section class="card narrow">
<h1>Set up two-factor sign-in</h1>
${errorNotice(input.error)}
<p>Scan this code with an authenticator app for <code>${input.actor}</code>, then type the six-digit code it shows.</p>
<div class="qr-code" role="img" aria-label="QR code of the two-factor secret">${raw(input.qrSvg)}</div>
<p>Or enter the secret by hand: <code>${input.secret}</code></p>
${codeForm(input.csrfToken, '/admin/two-factor/enrol', 'Six-digit code', 'From your authenticator app.')}
</section>`,
  });
}

export function renderAdminTwoFactorPage(input: { csrfToken: string; error?: string | undefined }): string {
  return renderPage({
    title: 'Two-factor sign-in',
    body: html`<section class="card narrow">
<h1>Two-factor sign-in</h1>
${errorNotice(input.error)}
${codeForm(input.csrfToken, '/admin/two-factor', 'Code', 'The six-digit code from your app, or one of your recovery codes.')}
</section>`,
  });
}

/** Shown once, right after enrolment: only their hashes are kept. */
export function renderRecoveryCodesPage(input: { codes: string[] }): string {
  return renderPage({
    title: 'Your recovery codes',
    body: html`<section class="card narrow">
<h1>Your recovery codes</h1>
<p class="notice warning">Write these down or print them now: they are shown only this once. Each opens the admin pages one time if you lose your phone.</p>
<ul class="recovery-codes">${input.codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>
<p><a class="button primary" href="/admin/dashboard">Go to the dashboard</a></p>
</section>`,
  });
}
