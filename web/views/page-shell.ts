import { html, raw, type SafeHtml } from './escape-html.js';

/**
 * The frame of every small server-rendered page: not indexed, no referrer (the URLs hold
 * personal tokens), the page's own stylesheet, and `body` inside <main>.
 */
export function renderPage(input: { title: string; styles: string; body: SafeHtml }): string {
  return String(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>${input.title}</title>
<style>${raw(input.styles)}</style>
</head>
<body>
<main>
${input.body}
</main>
</body>
</html>
`);
}
