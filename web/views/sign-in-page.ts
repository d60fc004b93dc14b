import { html } from './escape-html.js';
import { csrfField, type PageViewer, renderPage } from './page-shell.js';

/** How to get a one-time sign-in link: from the bot in chat, or by email. */
export function renderSignInPage(input: {
  viewer: PageViewer;
  communityUrl: string | undefined;
  sent?: boolean | undefined;
  /** The form was not usable (no address, or not an address): said above the field. */
  refusal?: { message: string; code: string } | undefined;
}): string {
  const chat = input.communityUrl
    ? html`<a href="${input.communityUrl}">open the chat</a>`
    : html`open the chat with our bot`;
  return renderPage({
    title: 'Sign in',
    viewer: input.viewer,
    current: 'sign-in',
    body: html`<section class="card narrow">
<h1>Sign in</h1>
${
  input.sent
    ? html`<p class="notice success" role="status">If that address belongs to a member, a sign-in link is on its way. It works once, for a few minutes.</p>`
    : ''
}
<p>We sign you in with a one-time link, no password. In chat, ${chat} and send <code>/login</code>: the bot sends you the link in a private message.</p>
<h2>Or get the link by email</h2>
<form method="post" action="/sign-in">${csrfField(input.viewer.csrfToken)}
<label for="sign-in-email">Email address</label>
${
  input.refusal
    ? html`<p class="notice error" id="sign-in-email-error" role="alert">${input.refusal.message} <small>(<code>${input.refusal.code}</code>)</small></p>
<input id="sign-in-email" name="email" type="email" autocomplete="email" required aria-invalid="true" aria-describedby="sign-in-email-error">`
    : html`<input id="sign-in-email" name="email" type="email" autocomplete="email" required>`
}
<p><button type="submit" class="button primary">Email me a sign-in link</button></p>
</form>
</section>`,
  });
}
