import type { ApiKeyRecord, KeyActor } from '../../core/api-keys/api-key-service.js';
import { sendDirectMessageTo } from '../../core/auth/direct-message.js';
import { AppError } from '../../core/errors.js';
import { type CommandContext, type CommandHandler, privateReply } from '../command-context.js';
import { hasDirectMessages } from '../direct-messages.js';
import { formatDate } from '../reply-format.js';

const secretMessage = (key: string, record: ApiKeyRecord, rotated: boolean) => ({
  text:
    `${rotated ? 'Your rotated' : 'Your new'} API key (shown this once, store it now):\n${key}\n` +
    `Send it as "Authorization: Bearer <key>". Prefix ${record.prefix}; revoke it with /apikey revoke ${record.prefix}.`,
});

/**
 * The secret goes only to the member's own DM on the platform they asked from, never into
 * the reply (an ephemeral reply still sits in a channel). The terminal shop has no DM: its
 * private reply is the member's own screen. When the DM cannot be delivered the new key is
 * revoked, so no key exists that nobody has seen.
 */
async function deliverSecret(context: CommandContext, key: string, record: ApiKeyRecord, rotated: boolean) {
  const { core, actor, userId, actorTag } = context;
  if (!hasDirectMessages(actor)) return privateReply(secretMessage(key, record, rotated).text);
  try {
    await sendDirectMessageTo(
      core.access.registry,
      { platform: actor.platform, externalId: actor.externalId },
      secretMessage(key, record, rotated),
    );
  } catch (error) {
    await core.apiKeys.revoke({ kind: 'member', userId, tag: actorTag }, record.id);
    core.logger.warn({ err: error, actor: actorTag }, 'API key DM not delivered; the key was revoked');
    throw new AppError(
      'dm_unavailable',
      `I could not send you a private message, so no key was kept${rotated ? ' (the old one is revoked)' : ''}. Allow DMs from this bot and try again.`,
      { status: 409 },
    );
  }
  return privateReply(
    `${rotated ? 'Rotated: the old key stopped working, and the new one' : 'Your new key'} (${record.prefix}) is in your DMs. It is shown once: store it now.`,
  );
}

/** A key of the member's, by the prefix lists show (or its id). */
async function keyOf(context: CommandContext, reference: string | undefined) {
  const wanted = reference?.trim().replace(/^ck_/, '').replace(/_.*$/, '').toLowerCase();
  if (!wanted) throw new AppError('missing_argument', 'Name the key: its prefix from /apikey list.', { status: 400 });
  const key = (await context.core.apiKeys.list(context.userId)).find(
    (candidate) => candidate.prefix === wanted || candidate.id === wanted,
  );
  if (!key)
    throw new AppError('api_key_not_found', 'You have no active key with that prefix; see /apikey list.', {
      status: 404,
    });
  return key;
}

/** /apikey create|list|rotate <prefix>|revoke <prefix>. */
export const apikeyCommand: CommandHandler = async (context, args) => {
  const { core, userId, actorTag, actor } = context;
  const keyActor: KeyActor = { kind: 'member', userId, tag: actorTag };
  const action = (args.action ?? 'list').trim().toLowerCase();
  switch (action) {
    case 'create': {
      const { key, record } = await core.apiKeys.create(keyActor, { userId, name: `${actor.platform} /apikey` });
      return deliverSecret(context, key, record, false);
    }
    case 'rotate': {
      const { key, record } = await core.apiKeys.rotate(keyActor, (await keyOf(context, args.key)).id);
      return deliverSecret(context, key, record, true);
    }
    case 'revoke': {
      const revoked = await core.apiKeys.revoke(keyActor, (await keyOf(context, args.key)).id);
      return privateReply(`Revoked ${revoked.masked}: it stopped working everywhere.`);
    }
    case 'list': {
      const keys = await core.apiKeys.list(userId);
      if (keys.length === 0)
        return privateReply(
          `You have no API keys. \`/apikey create\` makes one (${hasDirectMessages(actor) ? 'it arrives by DM' : 'shown here, once'}).`,
        );
      return privateReply(`Your API keys (${keys.length}):`, {
        fields: keys.map((key) => ({
          label: key.masked,
          value: `${key.name || 'unnamed'}, created ${formatDate(key.created_at)}${key.scopes.length ? `, scopes ${key.scopes.join(' ')}` : ''}`,
        })),
      });
    }
    default:
      return privateReply('Use /apikey create, list, rotate <prefix> or revoke <prefix>. (unknown_action)');
  }
};
