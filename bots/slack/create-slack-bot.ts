import { App, type Receiver, SocketModeReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import { AppError } from '../../core/errors.js';
import type { Core } from '../../core/index.js';
import type { ChatBot } from '../chat-bot.js';
import type { CommandRouter } from '../command-types.js';
import { boltLogger } from './bolt-logger.js';
import { createFastifyReceiver } from './fastify-receiver.js';
import { registerSlackListeners } from './slack-listeners.js';
import { createSlackPlatform, type SlackPlatform } from './slack-platform.js';

export interface SlackBotOptions {
  core: Pick<Core, 'config' | 'clock'>;
  router: CommandRouter;
  logger: Logger;
  /** Tests shorten Slack's windows; production keeps the defaults (2 s reply budget, 2.5 s ack). */
  timing?: { replyBudgetMs?: number; ackTimeoutMs?: number };
}

export interface SlackBot extends ChatBot {
  platform: SlackPlatform;
  app: App;
}

/**
 * The Slack adapter: Bolt over HTTP on our Fastify server (SLACK_SIGNING_SECRET), or over
 * Socket Mode when SLACK_APP_TOKEN is set (no public URL needed). Either way the same
 * listeners run, and the platform's WebClient does access sync and DMs.
 */
export function createSlackBot(options: SlackBotOptions): SlackBot {
  const { config, clock } = options.core;
  const token = config.SLACK_BOT_TOKEN;
  if (!token) throw new AppError('slack_not_configured', 'SLACK_BOT_TOKEN is not set', { status: 500 });
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  if (!socketMode && !config.SLACK_SIGNING_SECRET)
    throw new AppError(
      'slack_not_configured',
      'SLACK_SIGNING_SECRET is required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)',
      { status: 500 },
    );
  const logger = options.logger;
  const slackLogger = boltLogger(logger);

  const platform = createSlackPlatform({
    token,
    apiUrl: config.SLACK_API_URL,
    requestsPerSecond: config.SLACK_REQUESTS_PER_SECOND,
    clock,
    logger: slackLogger,
  });
  const httpReceiver = socketMode
    ? undefined
    : createFastifyReceiver({
        signingSecret: config.SLACK_SIGNING_SECRET!,
        clock,
        logger,
        ...(options.timing?.ackTimeoutMs ? { ackTimeoutMs: options.timing.ackTimeoutMs } : {}),
      });
  const receiver: Receiver =
    httpReceiver ??
    new SocketModeReceiver({
      appToken: config.SLACK_APP_TOKEN!,
      logger: slackLogger,
      // apps.connections.open goes to the same Web API as everything else (a local fake in tests).
      ...(config.SLACK_API_URL
        ? { installerOptions: { clientOptions: { slackApiUrl: platform.client.slackApiUrl } } }
        : {}),
    });

  // One auth.test for the life of the process (retried after a failure): Bolt needs the bot's
  // own ids to ignore its own events, and would otherwise call auth.test per event.
  let identity: Promise<{ botId?: string; botUserId?: string; teamId?: string }> | undefined;
  const authorize = async () => {
    identity ??= platform.client.auth
      .test()
      .then((answer) => ({ botId: answer.bot_id, botUserId: answer.user_id, teamId: answer.team_id }))
      .catch((error: unknown) => {
        identity = undefined;
        throw error;
      });
    return { botToken: token, ...(await identity) };
  };

  const app = new App({
    receiver,
    authorize,
    logger: slackLogger,
    convoStore: false,
    clientOptions: {
      ...(config.SLACK_API_URL ? { slackApiUrl: platform.client.slackApiUrl } : {}),
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    },
  });
  app.error(async (error) => {
    logger.error({ err: error }, 'slack listener failed');
  });
  registerSlackListeners(app, {
    router: options.router,
    users: platform.users,
    channelMembers: platform.channelMembers,
    client: platform.client,
    logger,
    ...(options.timing?.replyBudgetMs ? { replyBudgetMs: options.timing.replyBudgetMs } : {}),
  });

  return {
    platform,
    app,
    mounts: httpReceiver ? [(scope) => httpReceiver.mount(scope)] : [],
    async start() {
      // Slash commands are declared in the Slack app's manifest (README), not registered by API.
      await app.start();
      logger.info({ mode: socketMode ? 'socket' : 'http' }, 'slack bot started');
    },
    async stop() {
      await app.stop();
    },
  };
}
