import { type CommandHandler, privateReply } from '../../command-context.js';
import { formatInstant } from '../../reply-format.js';

/**
 * /admin weblogin: a one-time link to the admin pages for this moderator, signed in as their
 * chat identity (so every page action is audited as them). The router checked moderator
 * rights just now; the reply is private (ephemeral, or a DM on Telegram).
 */
export const adminWebLogin: CommandHandler = async ({ core, actorTag }) => {
  const link = await core.adminWeb.loginLinks.issue(actorTag);
  return privateReply(
    `Your one-time sign-in link for the admin pages, valid until ${formatInstant(link.expiresAt)}. ` +
      `Two-factor sign-in follows. Do not share it: ${link.url}`,
    { buttons: [{ label: 'Open the admin pages', url: link.url }] },
  );
};
