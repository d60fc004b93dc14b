import type { UpgradeOffer } from '../../../core/catalog/cheapest-plan-with-feature.js';
import type { AccountSection } from '../account-navigation.js';
import { renderAccountNavigation } from '../account-navigation.js';
import { html } from '../escape-html.js';
import { type PageViewer, renderPage } from '../page-shell.js';
import { renderUpgradeButton } from './upgrade-button.js';

/** What a locked page says about its feature: only what exists today. */
export interface LockedFeaturePitch {
  title: string;
  summary: string;
  benefits: string[];
}

/**
 * The one locked state of every member feature page: what the feature gives, which plan
 * includes it, and a button to that plan's checkout. It holds none of the unlocked page's
 * content or forms: the server decided, and editing this page unlocks nothing.
 */
export function renderLockedFeaturePage(input: {
  viewer: PageViewer;
  section: AccountSection | null;
  pitch: LockedFeaturePitch;
  offer: UpgradeOffer | undefined;
}): string {
  const { pitch, offer } = input;
  return renderPage({
    title: `${pitch.title} (locked)`,
    viewer: input.viewer,
    current: input.section ? 'account' : 'signals',
    body: html`${input.section ? renderAccountNavigation(input.section) : ''}
<section class="card narrow feature-card locked-feature" aria-labelledby="locked-title">
<h1 id="locked-title">${pitch.title}</h1>
<p><span class="badge">Locked</span> ${pitch.summary}</p>
<ul>${pitch.benefits.map((benefit) => html`<li>${benefit}</li>`)}</ul>
<p>${offer ? html`The ${offer.planName} plan includes it.` : 'Your plan does not include it.'}</p>
<div class="actions">${renderUpgradeButton(offer, input.viewer.csrfToken)}</div>
</section>`,
  });
}
