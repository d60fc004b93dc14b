import type { TokenPair } from '../../core/auth/auth-service.js';
import { html } from './escape-html.js';
import { csrfField, type PageViewer, renderPage } from './page-shell.js';

/**
 * What the sign-in link opens. Opening it spends nothing: chat apps fetch links to preview
 * them, so only pressing a button (a POST) spends the single-use token, either to sign this
 * browser in (a cookie session) or to get API tokens.
 */
export function renderLoginConfirmPage(input: {
  browserAction: string;
  apiAction: string;
  viewer: PageViewer;
}): string {
  return renderPage({
    title: 'Sign in',
    viewer: input.viewer,
    current: 'sign-in',
    body: html`<section class="card narrow">
<h1>Sign in</h1>
<p>This link works once. Choose what it is for:</p>
<form method="post" action="${input.browserAction}">${csrfField(input.viewer.csrfToken)}
<button type="submit" class="button primary">Sign in to this browser</button>
</form>
<form method="post" action="${input.apiAction}" class="secondary-action">${csrfField(input.viewer.csrfToken)}
<button type="submit" class="button">Get API tokens instead</button>
</form>
<p class="muted">API tokens are for your own tools; signing in to this browser does not create any.</p>
</section>`,
  });
}

/** The tokens, once: the member copies them into their tool. */
export function renderLoginTokensPage(tokens: TokenPair, viewer: PageViewer): string {
  return renderPage({
    title: 'Signed in',
    viewer,
    body: html`<section class="card">
<h1>Signed in</h1>
<p>Access token (send as <em>Authorization: Bearer …</em>; valid ${String(Math.round(tokens.expires_in / 60))} minutes):</p>
<code>${tokens.access_token}</code>
<p>Refresh token (exchange at <em>POST /v1/auth/refresh</em> for a new pair; each works once):</p>
<code>${tokens.refresh_token}</code>
<p>This page is not shown again.</p>
</section>`,
  });
}
