import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { UserFromGetMe } from 'grammy/types';
import { parseTelegramHtml } from './fake-telegram-html.js';
import { FakeTelegramState, type SentMessage, TelegramApiFailure } from './fake-telegram-state.js';
import { testBotInfo, testBotToken } from './test-bot-info.js';

export type { MemberStatus, SentMessage } from './fake-telegram-state.js';
export { TelegramApiFailure } from './fake-telegram-state.js';

export interface RecordedTelegramRequest {
  method: string;
  payload: Record<string, unknown>;
  /** performance.now() at arrival. */
  at: number;
  /** 200, or the error_code answered. */
  status: number;
}

export interface FakeTelegramApi {
  /** Give it to grammY as `client.apiRoot` (TELEGRAM_API_ROOT). */
  readonly url: string;
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  readonly state: FakeTelegramState;
  /** Every request, in arrival order, including refused ones. */
  readonly requests: RecordedTelegramRequest[];
  /** Payloads of the calls to one method. */
  calls(method: string): Array<Record<string, unknown>>;
  /** Messages sent to a chat or user id. */
  messagesTo(chatId: string | number): SentMessage[];
  /** The next `times` calls to `method` answer this error (Telegram's body shape). */
  failNext(
    method: string,
    failure: { error_code: number; description: string; retry_after?: number },
    times?: number,
  ): void;
  /** Answer 429 beyond this many requests in any 1-second window (undefined: no limit). getUpdates is not counted. */
  setRateLimit(requestsPerSecond: number | undefined): void;
  /** The most requests that arrived within any 1-second window (getUpdates excluded). */
  maxRequestsInAnySecond(): number;
  /** Requests answered 429 by the rate limit. */
  readonly rateLimited: number;
  close(): Promise<void>;
}

export interface FakeTelegramApiOptions {
  token?: string;
  /** Time for invite link expiry and update dates; share the test's fake clock. */
  now?: () => Date;
  requestsPerSecond?: number;
}

const windowMs = 1000;

async function readPayload(request: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  const fromQuery = Object.fromEntries(url.searchParams);
  if (!body) return fromQuery;
  if ((request.headers['content-type'] ?? '').includes('application/json'))
    return { ...fromQuery, ...(JSON.parse(body) as Record<string, unknown>) };
  return { ...fromQuery, ...Object.fromEntries(new URLSearchParams(body)) };
}

const send = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
};

/** Telegram's own checks on an inline keyboard: 64-byte callback data, reachable button URLs. */
function checkKeyboard(markup: unknown) {
  const rows = (markup as { inline_keyboard?: Array<Array<Record<string, unknown>>> } | undefined)?.inline_keyboard;
  for (const button of (rows ?? []).flat()) {
    if (typeof button.callback_data === 'string' && Buffer.byteLength(button.callback_data) > 64)
      throw new TelegramApiFailure(400, 'Bad Request: BUTTON_DATA_INVALID');
    if (typeof button.url === 'string') {
      const host = new URL(button.url).hostname;
      if (!host.includes('.') || host === '127.0.0.1')
        throw new TelegramApiFailure(
          400,
          `Bad Request: inline keyboard button URL '${button.url}' is invalid: Wrong HTTP URL`,
        );
    }
  }
}

/**
 * A Bot API on 127.0.0.1 for tests and the bench: answers `/bot<token>/<method>` for the methods
 * the adapter uses, from in-memory chat membership, with Telegram's error bodies, injectable
 * failures and an optional requests-per-second limit answered with 429 + retry_after.
 */
export async function startFakeTelegramApi(options: FakeTelegramApiOptions = {}): Promise<FakeTelegramApi> {
  const token = options.token ?? testBotToken;
  const botInfo: UserFromGetMe = { ...testBotInfo, id: Number(token.split(':')[0]) };
  const now = options.now ?? (() => new Date());
  const updateWaiters = new Set<() => void>();
  // A new update wakes the long polls waiting for one.
  const state = new FakeTelegramState(botInfo, now, () => {
    for (const wake of [...updateWaiters]) wake();
  });
  const requests: RecordedTelegramRequest[] = [];
  const failures: Array<{ method: string; failure: TelegramApiFailure; remaining: number }> = [];
  let requestsPerSecond = options.requestsPerSecond;
  let rateLimited = 0;
  const recentAccepted: number[] = [];

  const methods: Record<string, (payload: Record<string, unknown>) => unknown> = {
    getMe: () => botInfo,
    getChat: (payload) => state.chat(payload.chat_id).chat,
    getChatMember: (payload) => state.chatMember(payload.chat_id, Number(payload.user_id)),
    getChatAdministrators: (payload) => state.administrators(payload.chat_id),
    createChatInviteLink: (payload) =>
      state.createInviteLink(
        payload.chat_id,
        payload as { name?: string; expire_date?: number; member_limit?: number },
      ),
    revokeChatInviteLink: (payload) => state.revokeInviteLink(payload.chat_id, String(payload.invite_link)),
    banChatMember: (payload) => {
      state.ban(payload.chat_id, Number(payload.user_id));
      return true;
    },
    unbanChatMember: (payload) => {
      state.unban(payload.chat_id, Number(payload.user_id), payload.only_if_banned === true);
      return true;
    },
    approveChatJoinRequest: (payload) => {
      state.answerJoinRequest(payload.chat_id, Number(payload.user_id), true);
      return true;
    },
    declineChatJoinRequest: (payload) => {
      state.answerJoinRequest(payload.chat_id, Number(payload.user_id), false);
      return true;
    },
    sendMessage: (payload) => {
      const text = String(payload.text ?? '');
      if (!text.trim()) throw new TelegramApiFailure(400, 'Bad Request: message text is empty');
      const plain = payload.parse_mode === 'HTML' ? parseTelegramHtml(text) : text;
      if (plain.length > 4096) throw new TelegramApiFailure(400, 'Bad Request: message is too long');
      checkKeyboard(payload.reply_markup);
      const message = state.send(payload.chat_id, text, payload);
      return {
        message_id: message.messageId,
        from: botInfo,
        chat:
          Number(payload.chat_id) > 0
            ? { id: Number(payload.chat_id), type: 'private', first_name: 'Member' }
            : state.chat(payload.chat_id).chat,
        date: Math.floor(now().getTime() / 1000),
        text: plain,
        ...(payload.reply_markup ? { reply_markup: payload.reply_markup } : {}),
      };
    },
    answerCallbackQuery: () => true,
    setMyCommands: (payload) => {
      state.commands.push({ scope: payload.scope, commands: payload.commands });
      return true;
    },
    deleteMyCommands: () => true,
    setWebhook: (payload) => {
      state.webhook = { url: String(payload.url), secretToken: payload.secret_token as string | undefined };
      return true;
    },
    deleteWebhook: () => {
      state.webhook = undefined;
      return true;
    },
  };

  const overRateLimit = (at: number): boolean => {
    if (requestsPerSecond === undefined) return false;
    while (recentAccepted.length && recentAccepted[0]! <= at - windowMs) recentAccepted.shift();
    if (recentAccepted.length >= requestsPerSecond) return true;
    recentAccepted.push(at);
    return false;
  };

  /** Long polling: answers at once when updates wait, else when one arrives or the timeout ends. */
  async function getUpdates(payload: Record<string, unknown>, request: IncomingMessage) {
    const offset = payload.offset === undefined ? undefined : Number(payload.offset);
    const limit = Number(payload.limit ?? 100);
    const timeoutMs = Number(payload.timeout ?? 0) * 1000;
    let updates = state.takeUpdates(offset, limit);
    if (updates.length || timeoutMs === 0) return updates;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        updateWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      updateWaiters.add(done);
      request.socket.once('close', done);
    });
    updates = state.takeUpdates(offset, limit);
    return updates;
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const payload = await readPayload(request, url);
    const method = match?.[2] ?? url.pathname;
    const at = performance.now();
    const record = (status: number) => {
      if (method !== 'getUpdates') requests.push({ method, payload, at, status });
    };
    if (!match || match[1] !== token) {
      record(401);
      return send(response, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    if (method !== 'getUpdates' && overRateLimit(at)) {
      rateLimited += 1;
      const retryAfter = Math.max(1, Math.ceil((recentAccepted[0]! + windowMs - at) / 1000));
      record(429);
      return send(response, 429, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      });
    }
    const rule = failures.find((candidate) => candidate.method === method && candidate.remaining > 0);
    try {
      if (rule) {
        rule.remaining -= 1;
        throw rule.failure;
      }
      if (method === 'getUpdates') return send(response, 200, { ok: true, result: await getUpdates(payload, request) });
      const implementation = methods[method];
      if (!implementation) throw new TelegramApiFailure(404, 'Not Found');
      const result = implementation(payload);
      record(200);
      send(response, 200, { ok: true, result });
    } catch (error) {
      if (!(error instanceof TelegramApiFailure)) throw error;
      record(error.errorCode);
      send(response, error.errorCode, {
        ok: false,
        error_code: error.errorCode,
        description: error.description,
        ...(error.parameters ? { parameters: error.parameters } : {}),
      });
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    botInfo,
    state,
    requests,
    calls: (method) => requests.filter((request) => request.method === method).map((request) => request.payload),
    messagesTo: (chatId) => state.messages.filter((message) => message.chatId === String(chatId)),
    failNext(method, failure, times = 1) {
      const parameters = failure.retry_after === undefined ? undefined : { retry_after: failure.retry_after };
      failures.push({
        method,
        failure: new TelegramApiFailure(failure.error_code, failure.description, parameters),
        remaining: times,
      });
    },
    setRateLimit(limit) {
      requestsPerSecond = limit;
      recentAccepted.length = 0;
    },
    maxRequestsInAnySecond() {
      const arrivals = requests.map((request) => request.at).sort((left, right) => left - right);
      let most = 0;
      let start = 0;
      for (let end = 0; end < arrivals.length; end += 1) {
        while (arrivals[end]! - arrivals[start]! >= windowMs) start += 1;
        most = Math.max(most, end - start + 1);
      }
      return most;
    },
    get rateLimited() {
      return rateLimited;
    },
    async close() {
      for (const wake of [...updateWaiters]) wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
