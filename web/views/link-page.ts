import { html } from './escape-html.js';
import { renderPage } from './page-shell.js';

const styles = `
  :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; padding: 2rem 1rem; }
  main { max-width: 28rem; margin: 0 auto; }
  code { font-size: 0.9em; }
`;

/**
 * The page a member sees when a personal link cannot take them on (expired, tampered, plan
 * gone) or when there is nothing to redirect to. The stable code is shown so support can
 * tell what happened from a screenshot.
 */
export function renderLinkPage(input: { title: string; message: string; code?: string | undefined }): string {
  return renderPage({
    title: input.title,
    styles,
    body: html`<h1>${input.title}</h1>
<p>${input.message}</p>
${input.code ? html`<p><small>Code: <code>${input.code}</code></small></p>` : ''}`,
  });
}
