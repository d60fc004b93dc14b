import { assetUrl } from '../static-assets.js';
import { html, type SafeHtml } from './escape-html.js';

/** Who is looking, for the header: signed in (with the token the sign-out form needs) or not. */
export interface PageViewer {
  member: { displayName: string | null } | null;
  csrfToken: string;
}

export interface PageInput {
  title: string;
  body: SafeHtml;
  /** Omitted on pages outside the member's journey (provider stand-ins, personal links). */
  viewer?: PageViewer | undefined;
  /** Files of web/static this page runs (deferred, same origin: the CSP allows nothing else). */
  scripts?: string[] | undefined;
  /** Which nav entry is this page. */
  current?: 'pricing' | 'signals' | 'account' | 'sign-in' | undefined;
  /** Public pages (pricing, referral landing) may be indexed; personal ones never. */
  indexable?: boolean | undefined;
}

/** A hidden field carrying the CSRF token: every POST form of ours includes one. */
export const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;

function navLink(href: string, label: string, current: boolean) {
  return current ? html`<a href="${href}" aria-current="page">${label}</a>` : html`<a href="${href}">${label}</a>`;
}

function header(input: PageInput) {
  const viewer = input.viewer;
  const account = viewer?.member
    ? html`${navLink('/signals', 'Signals', input.current === 'signals')}
${navLink('/account/billing', 'Account', input.current === 'account')}
<form method="post" action="/sign-out" class="inline-form">${csrfField(viewer.csrfToken)}<button type="submit" class="link-button">Sign out</button></form>`
    : viewer
      ? navLink('/sign-in', 'Sign in', input.current === 'sign-in')
      : '';
  return html`<header class="site-header">
<div class="site-header-inner">
<a class="brand" href="/">Community</a>
<nav aria-label="Main">
${navLink('/pricing', 'Pricing', input.current === 'pricing')}
${account}
</nav>
</div>
</header>`;
}

/**
 * The one frame of every server-rendered page: skip link, header with navigation and the
 * sign-in state, <main>, footer, the site stylesheet and the page's scripts from /assets.
 * Nothing inline (the CSP refuses inline scripts and styles); no referrer leaves the site
 * (some URLs hold personal tokens).
 */
export function renderPage(input: PageInput): string {
  const scripts = (input.scripts ?? []).map((file) => html`<script src="${assetUrl(file)}" defer></script>\n`);
  return String(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${input.indexable ? '' : html`<meta name="robots" content="noindex">\n`}<meta name="referrer" content="same-origin">
<title>${input.title}</title>
<link rel="stylesheet" href="${assetUrl('site.css')}">
${scripts}</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
${header(input)}
<main id="main" tabindex="-1">
${input.body}
</main>
<footer class="site-footer">
<p>Payments are processed by our payment provider; we never see your card. <a href="/pricing">Plans and prices</a></p>
</footer>
</body>
</html>
`);
}
