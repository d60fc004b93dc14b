import { type CommandHandler, privateReply } from '../command-context.js';
import { formatDate } from '../reply-format.js';

/**
 * /link: without a code, issues a one-time code for another platform; with one, joins this
 * account to the member who issued it, so one person has one plan everywhere.
 */
export const linkCommand: CommandHandler = async ({ core, actor, userId }, args) => {
  if (actor.platform === 'console') return privateReply('Linking is for chat platforms. (link_platform_unsupported)');
  const identity = { platform: actor.platform, externalId: actor.externalId, username: actor.username };
  if (!args.code) {
    const issued = await core.linking.issueCode(identity, userId);
    return privateReply(
      `Your link code is **${issued.code}**. On your other platform, send \`/link ${issued.code}\` before ${formatDate(issued.expiresAt)} ${new Date(issued.expiresAt).toISOString().slice(11, 16)} UTC. It works once.`,
    );
  }
  const result = await core.linking.redeemCode(identity, args.code.trim().toUpperCase());
  return privateReply(
    result.linked
      ? 'Linked: this account now shares your plan and access everywhere. Access here follows within a minute.'
      : 'This account was already linked.',
  );
};
