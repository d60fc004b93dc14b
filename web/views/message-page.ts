import { html, type SafeHtml } from './escape-html.js';
import { type PageViewer, renderPage } from './page-shell.js';

/**
 * A page that says one thing: a refusal (with its stable code, so support can tell what
 * happened from a screenshot) or an outcome, with optional links onward.
 */
export function renderMessagePage(input: {
  title: string;
  message: string;
  code?: string | undefined;
  viewer?: PageViewer | undefined;
  extra?: SafeHtml | undefined;
}): string {
  return renderPage({
    title: input.title,
    viewer: input.viewer,
    body: html`<section class="card narrow">
<h1>${input.title}</h1>
<p>${input.message}</p>
${input.extra ?? ''}
${input.code ? html`<p class="muted"><small>Code: <code>${input.code}</code></small></p>` : ''}
</section>`,
  });
}
