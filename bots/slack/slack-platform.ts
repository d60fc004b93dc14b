import { webApi } from '@slack/bolt';
import type { AccessResource, ChatPlatform, DirectMessage, PreflightProblem } from '../../core/ports/chat-platform.js';
import type { Clock } from '../../core/ports/clock.js';
import { type ChannelMemberCache, createChannelMemberCache } from './channel-member-cache.js';
import { renderSlackReply } from './render-slack-reply.js';
import { createSlackChannelStrategy, listChannelMembers } from './slack-channel-strategy.js';
import { slackErrorCode, toSlackPlatformError } from './slack-platform-error.js';
import { createSlackUserDirectory, type SlackUserDirectory } from './slack-user-directory.js';

/** Bot scopes the shop uses: slash commands, DMs, reading users, managing private channels. */
export const requiredSlackScopes = ['commands', 'chat:write', 'users:read', 'groups:read', 'groups:write'] as const;

export interface SlackPlatform extends ChatPlatform {
  client: webApi.WebClient;
  users: SlackUserDirectory;
  channelMembers: ChannelMemberCache;
}

export interface SlackPlatformOptions {
  token: string;
  /** SLACK_API_URL: another Web API base (the fake in tests and the bench). */
  apiUrl?: string | undefined;
  requestsPerSecond: number;
  clock: Clock;
  logger?: webApi.Logger | undefined;
  /** How long a channel's member list and a users.info answer are trusted. */
  channelMembersTtlMs?: number;
  usersTtlMs?: number;
}

/** `http://host/api` and `http://host/api/` both work; the WebClient joins method names onto it. */
const withTrailingSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/**
 * Slack as core sees it. The WebClient neither queues nor retries rate-limited calls
 * (rejectRateLimitedCalls, no retries): the reconciler owns pacing through its rate gate and
 * must see each 429 with its Retry-After, instead of a call silently parked for a minute.
 */
export function createSlackPlatform(options: SlackPlatformOptions): SlackPlatform {
  const client = new webApi.WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: withTrailingSlash(options.apiUrl) } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 10_000,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const users = createSlackUserDirectory({ client, clock: options.clock, ttlMs: options.usersTtlMs ?? 300_000 });
  const channelMembers = createChannelMemberCache({
    clock: options.clock,
    ttlMs: options.channelMembersTtlMs ?? 60_000,
    load: (channelId) => listChannelMembers(client, channelId),
  });

  async function checkChannel(resource: AccessResource): Promise<PreflightProblem | undefined> {
    const name = resource.label || resource.resourceId;
    try {
      const answer = await client.conversations.info({ channel: resource.resourceId });
      const channel = answer.channel;
      if (channel?.is_archived)
        return { code: 'platform_resource_missing', resource, message: `Slack channel ${name} is archived` };
      if (channel?.is_member === false)
        return {
          code: 'platform_permission_missing',
          resource,
          message: `the Slack bot is not in ${name}: invite the bot to ${name} (/invite @bot in the channel)`,
        };
      return undefined;
    } catch (error) {
      if (slackErrorCode(error) === 'channel_not_found')
        return {
          code: 'platform_resource_missing',
          resource,
          message: `Slack channel ${name} was not found; if it is private, invite the bot to it first`,
        };
      return asProblem(error, 'conversations.info', resource);
    }
  }

  return {
    name: 'slack',
    client,
    users,
    channelMembers,
    strategies: [createSlackChannelStrategy({ client, members: channelMembers, users })],
    requestsPerSecond: options.requestsPerSecond,

    async sendDirectMessage(externalId: string, message: DirectMessage): Promise<void> {
      const rendered = renderSlackReply({
        text: message.text,
        buttons: (message.links ?? []).map((link) => ({ label: link.label, url: link.url })),
      });
      try {
        // A user id as the channel opens (or reuses) the app's DM with that member.
        await client.chat.postMessage({ channel: externalId, text: rendered.text, blocks: rendered.blocks });
      } catch (error) {
        throw toSlackPlatformError(error, 'chat.postMessage', {
          overrides: {
            channel_not_found: 'platform_member_unreachable',
            not_in_channel: 'platform_member_unreachable',
            is_archived: 'platform_member_unreachable',
          },
          context: { member: externalId },
        });
      }
    },

    async sendChannelMessage(channelId: string, message: DirectMessage): Promise<void> {
      const rendered = renderSlackReply({
        text: message.text,
        buttons: (message.links ?? []).map((link) => ({ label: link.label, url: link.url })),
      });
      try {
        await client.chat.postMessage({ channel: channelId, text: rendered.text, blocks: rendered.blocks });
      } catch (error) {
        throw toSlackPlatformError(error, 'chat.postMessage', {
          overrides: { channel_not_found: 'platform_resource_missing', not_in_channel: 'platform_permission_missing' },
          context: { channel: channelId },
        });
      }
    },

    async preflight(resources: AccessResource[]): Promise<PreflightProblem[]> {
      let scopes: string[] | undefined;
      try {
        const answer = await client.auth.test();
        scopes = answer.response_metadata?.scopes;
      } catch (error) {
        return [asProblem(error, 'auth.test')];
      }
      const problems: PreflightProblem[] = [];
      const missing = scopes ? requiredSlackScopes.filter((scope) => !scopes.includes(scope)) : [];
      if (missing.length > 0)
        problems.push({
          code: 'platform_permission_missing',
          message: `the Slack app lacks the scopes ${missing.join(', ')}: add them and reinstall the app`,
        });
      const channels = new Map<string, AccessResource>();
      for (const resource of resources)
        if (resource.kind === 'slack_channel') channels.set(resource.resourceId, resource);
      for (const resource of channels.values()) {
        const problem = await checkChannel(resource);
        if (problem) problems.push(problem);
      }
      return problems;
    },
  };
}

function asProblem(error: unknown, method: string, resource?: AccessResource): PreflightProblem {
  const platformError = toSlackPlatformError(error, method);
  const code: PreflightProblem['code'] =
    platformError.code === 'platform_permission_missing' || platformError.code === 'platform_resource_missing'
      ? platformError.code
      : 'platform_unreachable';
  return { code, message: platformError.message, ...(resource ? { resource } : {}) };
}
