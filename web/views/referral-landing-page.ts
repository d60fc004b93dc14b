import { html } from './escape-html.js';
import { type PageViewer, renderPage } from './page-shell.js';

/**
 * `/r/<code>`: who invited the visitor (display name only) and what the invite gives them,
 * then on to pricing or the chat.
 */
export function renderReferralLandingPage(input: {
  viewer: PageViewer;
  code: string;
  inviterName: string | null;
  communityUrl: string | undefined;
  attributedNow: boolean;
}): string {
  const inviter = input.inviterName ?? 'A member';
  return renderPage({
    title: `${inviter} invited you`,
    viewer: input.viewer,
    indexable: false,
    body: html`<section class="card narrow">
<h1>${inviter} invited you</h1>
<p>Your invite code <strong>${input.code}</strong> is saved in this browser${
      input.viewer.member
        ? input.attributedNow
          ? html` and now linked to your account`
          : html`; your account already had an invite, which stays`
        : html` and is linked to your account when you sign in`
    }. It goes with your next checkout.</p>
<p>An invite carries no discount of its own today; if you have a promo code, enter it on the pricing page.</p>
<p><a class="button primary" href="/pricing">See plans and prices</a></p>
${input.communityUrl ? html`<p><a class="button" href="${input.communityUrl}">Open the community chat</a></p>` : ''}
</section>`,
  });
}
