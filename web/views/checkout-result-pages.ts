import { html } from './escape-html.js';
import { renderMessagePage } from './message-page.js';
import type { PageViewer } from './page-shell.js';

const chatLink = (communityUrl: string | undefined) =>
  communityUrl
    ? html`<p><a class="button" href="${communityUrl}">Back to the chat</a></p>`
    : html`<p>You can go back to the chat now.</p>`;

/** Where the provider sends the member after paying. */
export function renderCheckoutSuccessPage(viewer: PageViewer, communityUrl: string | undefined): string {
  return renderMessagePage({
    title: 'Payment received — thank you!',
    message:
      'Your access arrives within seconds: the bot confirms it in a private message and unlocks your channels. A receipt follows by message.',
    viewer,
    extra: html`${chatLink(communityUrl)}
<p><a href="/account/billing">See your plan</a></p>
<p class="muted">Nothing after a minute? Send /status to the bot, or ask a moderator.</p>`,
  });
}

/** Where the provider sends the member who left the checkout. */
export function renderCheckoutCanceledPage(viewer: PageViewer, communityUrl: string | undefined): string {
  return renderMessagePage({
    title: 'Checkout canceled',
    message: 'Nothing was charged and your plan has not changed. You can pick a plan again whenever you like.',
    viewer,
    extra: html`<p><a class="button primary" href="/pricing">Back to pricing</a></p>
${chatLink(communityUrl)}`,
  });
}
