import { html } from './escape-html.js';

export type AccountSection = 'billing' | 'api-keys' | 'webhooks' | 'autotrade';

const sections: Array<{ key: AccountSection; href: string; label: string }> = [
  { key: 'billing', href: '/account/billing', label: 'Billing' },
  { key: 'api-keys', href: '/account/api-keys', label: 'API keys' },
  { key: 'webhooks', href: '/account/webhooks', label: 'Webhooks' },
  { key: 'autotrade', href: '/account/autotrade', label: 'Autotrade' },
];

/** The account pages' own navigation, shown above each of them. */
export function renderAccountNavigation(current: AccountSection) {
  const links = sections.map((section) =>
    section.key === current
      ? html`<a href="${section.href}" aria-current="page">${section.label}</a> `
      : html`<a href="${section.href}">${section.label}</a> `,
  );
  return html`<nav aria-label="Account" class="admin-nav">${links}</nav>`;
}
