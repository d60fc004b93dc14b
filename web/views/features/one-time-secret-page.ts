import { type AccountSection, renderAccountNavigation } from '../account-navigation.js';
import { html } from '../escape-html.js';
import { type PageViewer, renderPage } from '../page-shell.js';

/**
 * The only page that ever shows a secret (a new API key, a webhook signing secret): the answer
 * to the form that made it, never cached, never shown again. Leaving it loses the secret.
 */
export function renderOneTimeSecretPage(input: {
  viewer: PageViewer;
  section: AccountSection;
  title: string;
  intro: string;
  label: string;
  secret: string;
  backHref: string;
  backLabel: string;
}): string {
  return renderPage({
    title: input.title,
    viewer: input.viewer,
    current: 'account',
    body: html`${renderAccountNavigation(input.section)}
<section class="card narrow feature-card secret-card">
<h1>${input.title}</h1>
<p>${input.intro}</p>
<p class="notice warning" role="status">Copy it now: it is shown only this once. If you lose it, rotate it for a new one.</p>
<p><strong>${input.label}</strong></p>
<pre class="one-time-secret"><code>${input.secret}</code></pre>
<p><a class="button" href="${input.backHref}">${input.backLabel}</a></p>
</section>`,
  });
}
