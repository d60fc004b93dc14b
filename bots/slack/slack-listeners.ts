import type { App, RespondArguments, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { CommandActor, CommandInvocation, CommandReply, CommandRouter } from '../command-types.js';
import type { ChannelMemberCache } from './channel-member-cache.js';
import { linkButtonPrefix, renderSlackReply } from './render-slack-reply.js';
import type { SlackUserDirectory } from './slack-user-directory.js';

/** `/shop status`: one command for workspaces where `/status` and friends are already taken. */
export const umbrellaCommand = 'shop';

export interface SlackListenerDependencies {
  router: CommandRouter;
  users: SlackUserDirectory;
  channelMembers: ChannelMemberCache;
  /** The platform's client (no retries, 429 rejected): for replies outside a response_url. */
  client: webApi.WebClient;
  logger: Logger;
  /**
   * How long a command may take and still answer in the ack itself; slower ones ack empty and
   * answer through response_url. Slack's window is 3 s including the network.
   */
  replyBudgetMs?: number;
}

const fallbackReply: CommandReply = {
  text: 'Something went wrong on our side; try again in a minute. (internal_error)',
  private: true,
};

export const toSlackResponse = (reply: CommandReply) => ({
  response_type: reply.private ? ('ephemeral' as const) : ('in_channel' as const),
  ...renderSlackReply(reply),
});

/** Resolves after `milliseconds` with undefined unless cancelled; never keeps the process alive. */
function budget(milliseconds: number) {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), milliseconds);
    timer.unref();
  });
  return { elapsed, cancel: () => clearTimeout(timer) };
}

/**
 * Bolt listeners: every command of the table as its own slash command and under `/shop`,
 * buttons, and the join events that make the reconciler look at a member now.
 */
export function registerSlackListeners(app: App, dependencies: SlackListenerDependencies): void {
  const { router, users, channelMembers, logger } = dependencies;
  const replyBudgetMs = dependencies.replyBudgetMs ?? 2000;

  async function actorFor(user: { id: string; username?: string | undefined; teamId?: string | undefined }) {
    let slackUser: Awaited<ReturnType<SlackUserDirectory['lookup']>>;
    try {
      slackUser = await users.lookup(user.id);
    } catch (error) {
      // Only /admin needs the answer; configured MODERATOR_IDS still work without it.
      logger.warn({ err: error, user: user.id }, 'slack users.info failed; treating the member as a non-admin');
    }
    const actor: CommandActor = {
      platform: 'slack',
      externalId: user.id,
      username: user.username ?? slackUser?.username,
      displayName: slackUser?.displayName,
      scopeId: user.teamId ?? slackUser?.teamId,
      platformModerator: slackUser?.administrator === true,
    };
    return actor;
  }

  function invocationFor(command: string, text: string): CommandInvocation | undefined {
    const name = command.replace(/^\//, '').toLowerCase();
    // Slack sends &, < and > entity-encoded; mentions (`<@U123|bob>`) arrive as real brackets.
    const words = text
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&')
      .trim()
      .replace(/^\/+/, '');
    if (name === umbrellaCommand) return router.parse(`/${words || 'help'}`);
    return router.parse(`/${name} ${words}`);
  }

  const commandNames = [...new Set([...router.definitions.map((definition) => definition.name), umbrellaCommand])];
  for (const name of commandNames) {
    app.command(`/${name}`, async ({ command, ack, respond }) => {
      const work = (async () => {
        const actor = await actorFor({ id: command.user_id, username: command.user_name, teamId: command.team_id });
        const invocation = invocationFor(command.command, command.text) ?? { name: 'help', args: {} };
        return router.run(actor, invocation);
      })().catch((error: unknown) => {
        logger.error({ err: error, command: command.command }, 'slack command failed');
        return fallbackReply;
      });
      const timer = budget(replyBudgetMs);
      const quick = await Promise.race([work, timer.elapsed]);
      timer.cancel();
      if (quick) {
        await ack(toSlackResponse(quick));
        return;
      }
      await ack();
      await respond({ ...toSlackResponse(await work), replace_original: false } as RespondArguments);
    });
  }

  app.action({ type: 'block_actions' }, async ({ action, body, ack, respond }) => {
    await ack();
    const actionId = 'action_id' in action ? action.action_id : '';
    if (!actionId || actionId.startsWith(linkButtonPrefix)) return;
    const actor = await actorFor({ id: body.user.id, username: body.user.username, teamId: body.team?.id });
    const reply = await router.press(actor, actionId);
    const message = toSlackResponse(reply);
    if (respond) await respond({ ...message, replace_original: false } as RespondArguments);
    else
      await dependencies.client.chat.postMessage({ channel: body.user.id, text: message.text, blocks: message.blocks });
  });

  // A retried delivery (x-slack-retry-num) of an event already handled is skipped.
  const seenEvents = new Map<string, number>();
  const firstDelivery = (eventId: unknown): boolean => {
    if (typeof eventId !== 'string') return true;
    if (seenEvents.has(eventId)) return false;
    seenEvents.set(eventId, Date.now());
    if (seenEvents.size > 5000) seenEvents.delete(seenEvents.keys().next().value as string);
    return true;
  };

  async function memberJoined(userId: string) {
    try {
      await router.memberJoined('slack', userId);
    } catch (error) {
      logger.error({ err: error, user: userId }, 'slack member join reconcile failed');
    }
  }

  app.event('member_joined_channel', async ({ event, body }) => {
    channelMembers.joined(event.channel, event.user);
    if (firstDelivery(body.event_id)) await memberJoined(event.user);
  });

  app.event('member_left_channel', async ({ event }) => {
    channelMembers.left(event.channel, event.user);
  });

  app.event('team_join', async ({ event, body }) => {
    // The member was "not in the workspace" a moment ago; that answer must not be reused.
    users.forget(event.user.id);
    if (firstDelivery(body.event_id)) await memberJoined(event.user.id);
  });
}
