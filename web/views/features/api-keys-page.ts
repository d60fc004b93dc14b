import type { ApiKeyRecord } from '../../../core/api-keys/api-key-service.js';
import { formatDate } from '../../../core/formatting.js';
import { renderAccountNavigation } from '../account-navigation.js';
import { html, type SafeHtml } from '../escape-html.js';
import { csrfField, type PageViewer, renderPage } from '../page-shell.js';
import type { LockedFeaturePitch } from './locked-feature.js';

export const apiKeysPitch: LockedFeaturePitch = {
  title: 'API keys',
  summary: 'Read the signal feed and your account from your own tools over the HTTP API.',
  benefits: [
    'Keys for your scripts and bots, each with its own name',
    'The same signals your plan shows in the chat, as JSON',
    'Rotate or revoke a key at any time; it stops working at once',
  ],
};

export type ApiKeysNotice = 'revoked';

function keyItem(key: ApiKeyRecord, csrfToken: string): SafeHtml {
  return html`<li class="card feature-item">
<h2>${key.name || 'Unnamed key'}</h2>
<dl>
<dt>Key</dt><dd><code>${key.masked}</code></dd>
<dt>Scopes</dt><dd>${key.scopes.length > 0 ? key.scopes.join(', ') : 'Your own account and feed'}</dd>
<dt>Created</dt><dd>${formatDate(key.created_at)}</dd>
</dl>
<div class="actions">
<form method="post" action="/account/api-keys/rotate" class="inline-form">${csrfField(csrfToken)}
<input type="hidden" name="key_id" value="${key.id}">
<button type="submit" class="button">Rotate</button>
</form>
<form method="post" action="/account/api-keys/revoke" class="inline-form">${csrfField(csrfToken)}
<input type="hidden" name="key_id" value="${key.id}">
<button type="submit" class="button danger">Revoke</button>
</form>
</div>
</li>`;
}

/** The member's active keys (prefixes only: secrets are never stored), and the form for a new one. */
export function renderApiKeysPage(input: {
  viewer: PageViewer;
  keys: ApiKeyRecord[];
  maxKeys: number;
  notice: ApiKeysNotice | undefined;
}): string {
  const { csrfToken } = input.viewer;
  return renderPage({
    title: 'API keys',
    viewer: input.viewer,
    current: 'account',
    body: html`${renderAccountNavigation('api-keys')}
<section class="card narrow feature-card">
${input.notice === 'revoked' ? html`<p class="notice success" role="status">Key revoked: it stopped working at once.</p>` : ''}
<h1>API keys</h1>
<p>Send a key as <code>Authorization: Bearer &lt;key&gt;</code>, for example to <code>GET /v1/signals</code>. You may hold ${input.maxKeys} active keys.</p>
<form method="post" action="/account/api-keys" class="stacked-form">${csrfField(csrfToken)}
<label for="api-key-name">Name (what the key is for)</label>
<input id="api-key-name" type="text" name="name" maxlength="64" autocomplete="off">
<button type="submit" class="button primary">Create key</button>
</form>
</section>
${
  input.keys.length === 0
    ? html`<p class="muted feature-empty">No active keys.</p>`
    : html`<ul class="feature-list" aria-label="Your API keys">${input.keys.map((key) => keyItem(key, csrfToken))}</ul>`
}`,
  });
}
