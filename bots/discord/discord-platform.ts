import { type REST, Routes } from 'discord.js';
import { LRUCache } from 'lru-cache';
import type { ChatPlatform, DirectMessage } from '../../core/ports/chat-platform.js';
import { toPlatformError } from './discord-errors.js';
import { discordPreflight } from './discord-preflight.js';
import { createDiscordRoleStrategy } from './discord-role-strategy.js';
import { discordLimits, renderButtonRows } from './render-discord-reply.js';

export interface DiscordPlatformOptions {
  /** A client from createAccessRest: rate limits reject at once, nothing retried inside. */
  rest: REST;
  /** DISCORD_REQUESTS_PER_SECOND: the reconciler stays under it. */
  requestsPerSecond: number;
}

/**
 * Discord as core's access sync sees it, over REST only, so a worker process needs no gateway
 * connection: roles, DMs and the permission self-check.
 */
export function createDiscordPlatform(options: DiscordPlatformOptions): ChatPlatform {
  const { rest } = options;
  // A DM channel id never changes for a user; remembering it halves the requests per DM.
  const directChannels = new LRUCache<string, string>({ max: 10_000 });

  async function directChannelOf(externalId: string): Promise<string> {
    const known = directChannels.get(externalId);
    if (known) return known;
    const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: externalId } })) as { id: string };
    directChannels.set(externalId, channel.id);
    return channel.id;
  }

  return {
    name: 'discord',
    strategies: [createDiscordRoleStrategy(rest)],
    requestsPerSecond: options.requestsPerSecond,

    async sendDirectMessage(externalId: string, message: DirectMessage) {
      try {
        const channelId = await directChannelOf(externalId);
        const text = message.text.length <= discordLimits.content ? message.text : `${message.text.slice(0, 1999)}…`;
        await rest.post(Routes.channelMessages(channelId), {
          body: {
            content: text,
            components: renderButtonRows(message.links ?? []),
            allowed_mentions: { parse: [] },
          },
        });
      } catch (error) {
        throw toPlatformError(error, `sending a direct message to ${externalId}`);
      }
    },

    async sendChannelMessage(channelId: string, message: DirectMessage) {
      try {
        const text = message.text.length <= discordLimits.content ? message.text : `${message.text.slice(0, 1999)}…`;
        await rest.post(Routes.channelMessages(channelId), {
          body: { content: text, components: renderButtonRows(message.links ?? []), allowed_mentions: { parse: [] } },
        });
      } catch (error) {
        throw toPlatformError(error, `posting to channel ${channelId}`);
      }
    },

    preflight: (resources) => discordPreflight(rest, resources),
  };
}
