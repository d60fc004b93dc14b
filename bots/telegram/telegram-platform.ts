import { Api } from 'grammy';
import type { ChatPlatform, DirectMessage } from '../../core/ports/chat-platform.js';
import type { Clock } from '../../core/ports/clock.js';
import { renderTelegramReply } from './render-telegram-reply.js';
import { createTelegramChatStrategy } from './telegram-chat-strategy.js';
import { redactTokenInErrors, toPlatformError } from './telegram-errors.js';
import { preflightTelegram } from './telegram-preflight.js';
import { createTelegramRequestGate } from './telegram-request-gate.js';

export interface TelegramPlatformOptions {
  token: string;
  /** TELEGRAM_API_ROOT: a fake Bot API in tests and the bench. */
  apiRoot?: string | undefined;
  clock: Clock;
  inviteTtlMinutes: number;
  requestsPerSecond: number;
}

export interface TelegramPlatform extends ChatPlatform {
  /** The gated client behind it (tests install their network edge on it). */
  api: Api;
}

/** Renders a platform-neutral DM: the text in HTML, its links as buttons. */
export const renderDirectMessage = (message: DirectMessage) =>
  renderTelegramReply({ text: message.text, buttons: message.links ?? [] });

/**
 * Telegram as core's access sync and notifier see it. It has its own client, gated per request,
 * so member-facing command replies never queue behind a 10,000-member reconcile.
 */
export function createTelegramPlatform(options: TelegramPlatformOptions): TelegramPlatform {
  const api = new Api(options.token, options.apiRoot ? { apiRoot: options.apiRoot } : {});
  api.config.use(redactTokenInErrors(options.token), createTelegramRequestGate(options.requestsPerSecond));
  return {
    name: 'telegram',
    api,
    requestsPerSecond: options.requestsPerSecond,
    strategies: [createTelegramChatStrategy({ api, clock: options.clock, inviteTtlMinutes: options.inviteTtlMinutes })],

    async sendDirectMessage(externalId, message) {
      const rendered = renderDirectMessage(message);
      try {
        await api.sendMessage(Number(externalId), rendered.text, rendered.options);
      } catch (error) {
        throw toPlatformError(error, { userId: externalId, method: 'sendMessage' });
      }
    },

    async sendChannelMessage(channelId, message) {
      const rendered = renderDirectMessage(message);
      try {
        // Channel ids are negative numbers (-100…) or an @username.
        const chat = /^-?\d+$/.test(channelId) ? Number(channelId) : channelId;
        await api.sendMessage(chat, rendered.text, rendered.options);
      } catch (error) {
        throw toPlatformError(error, { chatId: channelId, method: 'sendMessage' });
      }
    },

    preflight: (resources) => preflightTelegram(api, resources),
  };
}
