import { chatPlatformNames } from '../../core/ports/chat-platform.js';
import { type CommandHandler, privateReply } from '../command-context.js';

const isChatPlatform = (platform: string): platform is (typeof chatPlatformNames)[number] =>
  (chatPlatformNames as readonly string[]).includes(platform);

/**
 * /login: a one-time sign-in link for the website (or API tokens), sent by DM to the account
 * that asked — never into a channel. The same rate limit as the web's "email me a link".
 */
export const loginCommand: CommandHandler = async ({ core, actor }) => {
  if (!isChatPlatform(actor.platform))
    return privateReply(`Sign in on ${core.config.PUBLIC_URL}/sign-in with your email address instead.`);
  await core.auth.requestLogin({ platform: actor.platform, external_id: actor.externalId });
  return privateReply('A one-time sign-in link is on its way in a private message. It works once, for a few minutes.');
};
