import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSlackUser {
  id: string;
  name: string;
  admin?: boolean;
  owner?: boolean;
  deleted?: boolean;
  bot?: boolean;
}

export interface FakeSlackChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  archived: boolean;
  members: Set<string>;
}

/** What the fake answers instead of doing the work, for the next `times` calls of a method. */
export type FakeSlackFailure =
  | { error: string; needed?: string }
  | { status: number }
  | { rateLimited: { retryAfterSeconds: number } };

export interface RecordedSlackRequest {
  method: string;
  params: Record<string, unknown>;
  /** Date.now() at arrival. */
  at: number;
  /** The HTTP status answered (429 when rate limited). */
  status: number;
  /** Slack's `error` when it answered ok: false. */
  error?: string;
}

export interface PostedSlackMessage {
  channel: string;
  text: string | undefined;
  blocks: unknown[];
  ts: string;
  /** chat.postEphemeral: only this member sees it. */
  ephemeralFor?: string;
}

export interface CapturedResponse {
  /** The part after /response/ in the response_url. */
  key: string;
  body: Record<string, unknown>;
  at: number;
}

export interface FakeSlackRateLimit {
  requestsPerSecond: number;
  /** Only these methods count and are limited (default: every Web API method). */
  methods?: string[];
  windowMs?: number;
}

type Params = Record<string, unknown>;
type Answer = { status?: number; body: Record<string, unknown>; headers?: Record<string, string> };

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

/**
 * A local Slack Web API at `<baseUrl>/api/<method>` holding a workspace in memory (users,
 * admins, channels, members, messages), plus `<baseUrl>/response/<key>` capturing what Bolt's
 * respond() posts to a response_url. It checks the bot token, records every request, fails
 * on demand, and, when given a rate limit, answers 429 with Retry-After like Slack.
 */
export async function startFakeSlackApi(
  options: {
    token?: string;
    teamId?: string;
    botUserId?: string;
    scopes?: string[];
    /** `apps.connections.open` answers this app-level token with this URL (see fake-slack-socket.ts). */
    socketMode?: { appToken: string; url: string };
  } = {},
) {
  const token = options.token ?? 'xoxb-test-token';
  const teamId = options.teamId ?? 'T1DC2JH3J';
  const botUserId = options.botUserId ?? 'U0BOTUSER1';
  const botId = 'B0BOTID001';
  let scopes = options.scopes ?? ['commands', 'chat:write', 'users:read', 'groups:read', 'groups:write'];
  const users = new Map<string, FakeSlackUser>([[botUserId, { id: botUserId, name: 'shopbot', bot: true }]]);
  const channels = new Map<string, FakeSlackChannel>();
  const messages: PostedSlackMessage[] = [];
  const responses: CapturedResponse[] = [];
  const requests: RecordedSlackRequest[] = [];
  const failures = new Map<string, Array<FakeSlackFailure>>();
  const responseWaiters: Array<{ predicate: (response: CapturedResponse) => boolean; resolve: () => void }> = [];
  let rateLimit: FakeSlackRateLimit | undefined;
  let messageCounter = 0;

  const fail = (error: string, extra: Params = {}): Answer => ({ body: { ok: false, error, ...extra } });
  const ok = (body: Params = {}): Answer => ({ body: { ok: true, ...body } });

  /** Private channels are invisible to a bot that is not in them: Slack says channel_not_found. */
  function visibleChannel(id: string): FakeSlackChannel | undefined {
    const channel = channels.get(id);
    if (!channel) return undefined;
    return channel.isPrivate && !channel.members.has(botUserId) ? undefined : channel;
  }

  const channelInfo = (channel: FakeSlackChannel) => ({
    id: channel.id,
    name: channel.name,
    is_channel: !channel.isPrivate,
    is_group: channel.isPrivate,
    is_private: channel.isPrivate,
    is_archived: channel.archived,
    is_member: channel.members.has(botUserId),
    num_members: channel.members.size,
  });

  const methods: Record<string, (params: Params) => Answer> = {
    'auth.test': () =>
      ok({
        url: 'https://fake.slack.test/',
        team: 'Fake',
        user: 'shopbot',
        team_id: teamId,
        user_id: botUserId,
        bot_id: botId,
      }),

    'users.info': (params) => {
      const user = users.get(text(params.user));
      if (!user) return fail('user_not_found');
      return ok({
        user: {
          id: user.id,
          team_id: teamId,
          name: user.name,
          real_name: user.name,
          deleted: user.deleted === true,
          is_admin: user.admin === true || user.owner === true,
          is_owner: user.owner === true,
          is_primary_owner: false,
          is_bot: user.bot === true,
          profile: { display_name: user.name, real_name: user.name },
        },
      });
    },

    'users.conversations': (params) => {
      const userId = text(params.user) || botUserId;
      if (!users.has(userId)) return fail('user_not_found');
      const types = text(params.types || 'public_channel').split(',');
      const found = [...channels.values()].filter(
        (channel) =>
          channel.members.has(userId) &&
          visibleChannel(channel.id) &&
          types.includes(channel.isPrivate ? 'private_channel' : 'public_channel'),
      );
      return ok({ channels: found.map(channelInfo), response_metadata: { next_cursor: '' } });
    },

    'conversations.info': (params) => {
      const channel = visibleChannel(text(params.channel));
      return channel ? ok({ channel: channelInfo(channel) }) : fail('channel_not_found');
    },

    'conversations.members': (params) => {
      const channel = visibleChannel(text(params.channel));
      if (!channel) return fail('channel_not_found');
      const limit = Math.min(Number(params.limit) || 100, 1000);
      const offset = params.cursor ? Number(Buffer.from(text(params.cursor), 'base64url').toString()) : 0;
      const all = [...channel.members];
      const page = all.slice(offset, offset + limit);
      const next = offset + limit < all.length ? Buffer.from(String(offset + limit)).toString('base64url') : '';
      return ok({ members: page, response_metadata: { next_cursor: next } });
    },

    'conversations.invite': (params) => {
      const channel = visibleChannel(text(params.channel));
      if (!channel) return fail('channel_not_found');
      if (channel.archived) return fail('is_archived');
      if (!channel.members.has(botUserId)) return fail('not_in_channel');
      const invited = text(params.users).split(',').filter(Boolean);
      if (invited.length === 0) return fail('no_user');
      for (const userId of invited) {
        if (userId === botUserId) return fail('cant_invite_self');
        const user = users.get(userId);
        if (!user || user.deleted) return fail('user_not_found');
      }
      if (invited.every((userId) => channel.members.has(userId))) return fail('already_in_channel');
      for (const userId of invited) channel.members.add(userId);
      return ok({ channel: channelInfo(channel) });
    },

    'conversations.kick': (params) => {
      const channel = visibleChannel(text(params.channel));
      if (!channel) return fail('channel_not_found');
      const userId = text(params.user);
      if (userId === botUserId) return fail('cant_kick_self');
      if (!users.has(userId)) return fail('user_not_found');
      if (!channel.members.delete(userId)) return fail('not_in_channel');
      return ok();
    },

    'chat.postMessage': (params) => {
      const target = text(params.channel);
      let channelId = target;
      if (/^[UW]/.test(target)) {
        const user = users.get(target);
        if (!user || user.deleted) return fail('channel_not_found');
        if (user.bot) return fail('cannot_dm_bot');
        channelId = `D${target.slice(1)}`;
      } else {
        const channel = visibleChannel(target);
        if (!channel) return fail('channel_not_found');
        if (!channel.members.has(botUserId)) return fail('not_in_channel');
      }
      messageCounter += 1;
      const ts = `${Math.floor(Date.now() / 1000)}.${String(messageCounter).padStart(6, '0')}`;
      messages.push({ channel: target, text: params.text as string | undefined, blocks: blocksOf(params), ts });
      return ok({ channel: channelId, ts, message: { text: params.text, ts } });
    },

    'chat.postEphemeral': (params) => {
      const channel = visibleChannel(text(params.channel));
      if (!channel) return fail('channel_not_found');
      const userId = text(params.user);
      if (!channel.members.has(userId)) return fail('user_not_in_channel');
      messageCounter += 1;
      const ts = `${Math.floor(Date.now() / 1000)}.${String(messageCounter).padStart(6, '0')}`;
      messages.push({
        channel: channel.id,
        text: params.text as string | undefined,
        blocks: blocksOf(params),
        ts,
        ephemeralFor: userId,
      });
      return ok({ message_ts: ts });
    },
  };

  function takeFailure(method: string): FakeSlackFailure | undefined {
    const queue = failures.get(method);
    const failure = queue?.shift();
    if (queue && queue.length === 0) failures.delete(method);
    return failure;
  }

  /** Arrival times of the counted requests let through, oldest first (a sliding window). */
  let admitted: number[] = [];

  function rateLimited(method: string, now: number): number | undefined {
    if (!rateLimit || (rateLimit.methods ? !rateLimit.methods.includes(method) : false)) return undefined;
    const windowMs = rateLimit.windowMs ?? 1000;
    const allowed = Math.max(1, Math.floor((rateLimit.requestsPerSecond * windowMs) / 1000));
    let expired = 0;
    while (expired < admitted.length && now - admitted[expired]! >= windowMs) expired += 1;
    if (expired > 0) admitted = admitted.slice(expired);
    if (admitted.length >= allowed) return Math.max(1, Math.ceil((admitted[0]! + windowMs - now) / 1000));
    admitted.push(now);
    return undefined;
  }

  function answerApi(method: string, params: Params, authorization: string | undefined, now: number): Answer {
    const presented = authorization?.replace(/^Bearer\s+/i, '') || text(params.token);
    const retryAfter = rateLimited(method, now);
    if (retryAfter !== undefined)
      return { status: 429, headers: { 'retry-after': String(retryAfter) }, body: { ok: false, error: 'ratelimited' } };
    const failure = takeFailure(method);
    if (failure && 'status' in failure)
      return { status: failure.status, body: { ok: false, error: 'fake_http_failure' } };
    if (failure && 'rateLimited' in failure)
      return {
        status: 429,
        headers: { 'retry-after': String(failure.rateLimited.retryAfterSeconds) },
        body: { ok: false, error: 'ratelimited' },
      };
    if (failure) return fail(failure.error, failure.needed ? { needed: failure.needed } : {});
    // Socket Mode connections are opened with the app-level token (xapp-), nothing else is.
    if (method === 'apps.connections.open')
      return options.socketMode && presented === options.socketMode.appToken
        ? ok({ url: options.socketMode.url })
        : fail(presented === token ? 'not_allowed_token_type' : 'invalid_auth');
    if (presented !== token) return fail('invalid_auth');
    const handler = methods[method];
    return handler ? handler(params) : fail('unknown_method');
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const now = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://fake.slack.test');
    const params = parseParams(raw, request.headers['content-type'] ?? '', url.searchParams);

    if (url.pathname.startsWith('/response/')) {
      const captured = { key: url.pathname.slice('/response/'.length), body: params, at: now };
      responses.push(captured);
      requests.push({ method: 'response_url', params, at: now, status: 200 });
      for (const waiter of [...responseWaiters])
        if (waiter.predicate(captured)) {
          responseWaiters.splice(responseWaiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      return send(response, { body: { ok: true } });
    }
    const method = url.pathname.startsWith('/api/') ? url.pathname.slice('/api/'.length) : '';
    if (!method) return send(response, { status: 404, body: { ok: false, error: 'not_found' } });
    const answer = answerApi(method, params, request.headers.authorization, now);
    const status = answer.status ?? 200;
    requests.push({
      method,
      params,
      at: now,
      status,
      ...(answer.body.ok === false ? { error: text(answer.body.error) } : {}),
    });
    send(response, { ...answer, headers: { 'x-oauth-scopes': scopes.join(','), ...answer.headers } });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, { status: 500, body: { ok: false, error: String(error) } });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    /** What SLACK_API_URL (WebClient slackApiUrl) should be. */
    apiUrl: `${baseUrl}/api/`,
    token,
    teamId,
    botUserId,
    botId,
    users,
    channels,
    messages,
    responses,
    requests,

    addUser(user: FakeSlackUser) {
      users.set(user.id, user);
      return user;
    },
    addChannel(channel: { id: string; name: string; isPrivate?: boolean; members?: string[]; botIsMember?: boolean }) {
      const members = new Set(channel.members ?? []);
      if (channel.botIsMember !== false) members.add(botUserId);
      const created: FakeSlackChannel = {
        id: channel.id,
        name: channel.name,
        isPrivate: channel.isPrivate ?? true,
        archived: false,
        members,
      };
      channels.set(channel.id, created);
      return created;
    },
    isMember: (channelId: string, userId: string) => channels.get(channelId)?.members.has(userId) === true,
    messagesTo: (channel: string) => messages.filter((message) => message.channel === channel),
    calls: (method: string) => requests.filter((request) => request.method === method),
    /** A response_url the fake captures (`<baseUrl>/response/<key>`). */
    responseUrl: (key = 'commands/T1DC2JH3J/1/abc') => `${baseUrl}/response/${key}`,
    /** Resolves when a respond() post matching `predicate` arrives (or rejects after `timeoutMs`). */
    waitForResponse(predicate: (response: CapturedResponse) => boolean = () => true, timeoutMs = 5000) {
      const existing = responses.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise<CapturedResponse>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no response_url post arrived in time')), timeoutMs);
        responseWaiters.push({
          predicate,
          resolve: () => {
            clearTimeout(timer);
            resolve(responses.find(predicate)!);
          },
        });
      });
    },
    /** The next `times` calls of `method` answer `failure` instead. */
    fail(method: string, failure: FakeSlackFailure, times = 1) {
      const queue = failures.get(method) ?? [];
      for (let index = 0; index < times; index += 1) queue.push(failure);
      failures.set(method, queue);
    },
    setScopes(next: string[]) {
      scopes = next;
    },
    setRateLimit(limit: FakeSlackRateLimit | undefined) {
      rateLimit = limit;
      admitted = [];
    },
    /**
     * The most requests that arrived within any `windowMs` (default 1 s), counting rate-limited
     * ones too: Slack counts every call against the limit.
     */
    maxRequestsInWindow(query: { windowMs?: number; methods?: string[] } = {}): number {
      const windowMs = query.windowMs ?? 1000;
      const times = requests
        .filter((request) =>
          query.methods ? query.methods.includes(request.method) : request.method !== 'response_url',
        )
        .map((request) => request.at)
        .sort((left, right) => left - right);
      let most = 0;
      let start = 0;
      for (let end = 0; end < times.length; end += 1) {
        while (times[end]! - times[start]! >= windowMs) start += 1;
        most = Math.max(most, end - start + 1);
      }
      return most;
    },
    rateLimitedCount: (method?: string) =>
      requests.filter((request) => request.status === 429 && (!method || request.method === method)).length,
    /** Forgets recorded requests, messages and responses; the workspace stays. */
    clearRecords() {
      requests.length = 0;
      messages.length = 0;
      responses.length = 0;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export type FakeSlackApi = Awaited<ReturnType<typeof startFakeSlackApi>>;

function parseParams(raw: string, contentType: string, query: URLSearchParams): Params {
  const params: Params = Object.fromEntries(query);
  if (!raw) return params;
  if (contentType.includes('application/json')) return { ...params, ...(JSON.parse(raw) as Params) };
  return { ...params, ...Object.fromEntries(new URLSearchParams(raw)) };
}

function blocksOf(params: Params): unknown[] {
  const blocks = params.blocks;
  if (Array.isArray(blocks)) return blocks;
  if (typeof blocks === 'string' && blocks) return JSON.parse(blocks) as unknown[];
  return [];
}

function send(response: ServerResponse, answer: Answer) {
  response.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
  response.end(JSON.stringify(answer.body));
}
