import type { TokenPair } from '../../core/auth/auth-service.js';
import { html } from './escape-html.js';
import { renderPage } from './page-shell.js';

const styles = `
  :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; padding: 2rem 1rem; }
  main { max-width: 36rem; margin: 0 auto; }
  code { display: block; padding: 0.5rem; word-break: break-all; font-size: 0.85em; background: rgba(127,127,127,0.15); }
  button { font-size: 1rem; padding: 0.6rem 1.4rem; }
`;

/**
 * What the sign-in link opens. Opening it spends nothing: chat apps fetch links to preview
 * them, so only pressing the button (a POST) exchanges the single-use token.
 */
export function renderLoginConfirmPage(action: string): string {
  return renderPage({
    title: 'Sign in to the API',
    styles,
    body: html`<h1>Sign in to the API</h1>
<p>Press the button to get your access and refresh tokens. The link works once.</p>
<form method="post" action="${action}"><button type="submit">Sign in</button></form>`,
  });
}

/** The tokens, once: the member copies them into their tool. */
export function renderLoginTokensPage(tokens: TokenPair): string {
  return renderPage({
    title: 'Signed in',
    styles,
    body: html`<h1>Signed in</h1>
<p>Access token (send as <em>Authorization: Bearer …</em>; valid ${String(Math.round(tokens.expires_in / 60))} minutes):</p>
<code>${tokens.access_token}</code>
<p>Refresh token (exchange at <em>POST /v1/auth/refresh</em> for a new pair; each works once):</p>
<code>${tokens.refresh_token}</code>
<p>This page is not shown again.</p>`,
  });
}
