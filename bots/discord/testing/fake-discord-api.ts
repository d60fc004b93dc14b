import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server that answers like Discord's REST API for exactly the routes the adapter uses:
 * the bot user, guild members and roles, member role add/remove, DMs, command registration and
 * interaction replies. State lives in memory; every request is recorded; failures can be
 * injected; an optional requests-per-second limit answers 429 the way Discord does.
 */

const permission = { administrator: 1n << 3n, manageRoles: 1n << 28n } as const;

export interface FakeRole {
  id: string;
  name: string;
  position: number;
  permissions: bigint;
  managed: boolean;
}

interface FakeGuild {
  id: string;
  roles: Map<string, FakeRole>;
  /** user id -> role ids */
  members: Map<string, Set<string>>;
}

export interface RecordedRequest {
  method: string;
  /** Without the `/api/v10` prefix: `/guilds/1/members/2/roles/3`. */
  path: string;
  body: unknown;
  headers: IncomingMessage['headers'];
  at: number;
  status: number;
}

export interface InjectedFailure {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Drop the connection without an answer (a network failure). */
  destroy?: boolean;
}

interface PendingFailure {
  method: string | undefined;
  path: string | RegExp;
  failure: InjectedFailure;
  remaining: number;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const json = (status: number, body?: unknown): Answer => ({ status, body });
const discordError = (status: number, code: number, message: string) => json(status, { message, code });
const unknownGuild = () => discordError(404, 10004, 'Unknown Guild');
const unknownMember = () => discordError(404, 10007, 'Unknown Member');
const unknownRole = () => discordError(404, 10011, 'Unknown Role');
const missingPermissions = () => discordError(403, 50013, 'Missing Permissions');

/**
 * The rate-limit bucket of a request, as Discord names one: per route, with the major parameter
 * (the first id: guild, channel or webhook) kept and the other ids generalised. Discord never
 * reports its global limit as a bucket; that one only shows as a 429 with X-RateLimit-Global.
 */
export function rateLimitBucketOf(method: string, path: string): string {
  let majorKept = false;
  const route = path.replace(/\d{5,}/g, (id) => {
    if (majorKept) return ':id';
    majorKept = true;
    return id;
  });
  return `${method} ${route}`;
}

/** Interaction endpoints are not bound by the bot's global rate limit (Discord docs). */
const exemptFromRateLimit = (path: string) => path.startsWith('/interactions/') || path.startsWith('/webhooks/');

export interface FakeDiscordApiOptions {
  botUserId?: string;
  /** Unset: no limit. */
  requestsPerSecond?: number;
}

export async function startFakeDiscordApi(options: FakeDiscordApiOptions = {}) {
  const botUserId = options.botUserId ?? '900000000000000001';
  let requestsPerSecond = options.requestsPerSecond;
  const guilds = new Map<string, FakeGuild>();
  const blockedDirectMessages = new Set<string>();
  const requests: RecordedRequest[] = [];
  const failures: PendingFailure[] = [];
  const directMessages: Array<{ recipientId: string; channelId: string; content: string; components: unknown }> = [];
  /** Posts to guild channels (a tier's signal channel). */
  const channelMessages: Array<{ channelId: string; content: string }> = [];
  const interactionEdits: Array<{ applicationId: string; token: string; body: Record<string, unknown> }> = [];
  const followUps: Array<{ applicationId: string; token: string; body: Record<string, unknown> }> = [];
  const interactionCallbacks: Array<{ interactionId: string; token: string; body: Record<string, unknown> }> = [];
  const registeredCommands = new Map<string, unknown[]>();
  /** Arrival times of rate-limited requests in the last second, accepted or not. */
  let recentArrivals: number[] = [];
  /** Requests accepted in the last second (what the global limit counts). */
  let recentAccepted: number[] = [];
  /** The same per bucket, for the bucket headers. */
  const acceptedByBucket = new Map<string, number[]>();
  let maxRequestsInAnySecond = 0;
  let rateLimitedCount = 0;

  const guildOf = (guildId: string) => guilds.get(guildId);

  function botPermissions(guild: FakeGuild): { bits: bigint; highest: number } {
    const botRoles = guild.members.get(botUserId) ?? new Set<string>();
    let bits = guild.roles.get(guild.id)?.permissions ?? 0n;
    let highest = 0;
    for (const roleId of botRoles) {
      const role = guild.roles.get(roleId);
      if (!role) continue;
      bits |= role.permissions;
      highest = Math.max(highest, role.position);
    }
    return { bits, highest };
  }

  /** What Discord checks before changing a member's role: the permission and the hierarchy. */
  function botMayManage(guild: FakeGuild, role: FakeRole): boolean {
    const bot = botPermissions(guild);
    if ((bot.bits & (permission.administrator | permission.manageRoles)) === 0n) return false;
    return role.position < bot.highest;
  }

  function memberJson(userId: string, roles: Set<string>) {
    return {
      user: { id: userId, username: `user${userId}`, global_name: null, avatar: null, discriminator: '0' },
      roles: [...roles],
      nick: null,
      joined_at: '2024-01-01T00:00:00.000000+00:00',
      deaf: false,
      mute: false,
      flags: 0,
    };
  }

  function changeRole(guildId: string, userId: string, roleId: string, add: boolean): Answer {
    const guild = guildOf(guildId);
    if (!guild) return unknownGuild();
    const role = guild.roles.get(roleId);
    if (!role) return unknownRole();
    const roles = guild.members.get(userId);
    if (!roles) return unknownMember();
    if (!botMayManage(guild, role)) return missingPermissions();
    if (add) roles.add(roleId);
    else roles.delete(roleId);
    return json(204);
  }

  type Handler = (params: string[], body: Record<string, unknown>) => Answer;
  const routes: Array<{ method: string; pattern: RegExp; handle: Handler; botAuth: boolean }> = [];
  const route = (method: string, pattern: RegExp, handle: Handler, botAuth = true) =>
    routes.push({ method, pattern, handle, botAuth });

  route('GET', /^\/users\/@me$/, () =>
    json(200, { id: botUserId, username: 'PaywallBot', global_name: null, discriminator: '0', bot: true }),
  );
  route('GET', /^\/guilds\/([^/]+)\/members\/([^/]+)$/, ([guildId, userId]) => {
    const guild = guildOf(guildId!);
    if (!guild) return unknownGuild();
    const roles = guild.members.get(userId!);
    return roles ? json(200, memberJson(userId!, roles)) : unknownMember();
  });
  route('GET', /^\/guilds\/([^/]+)\/roles$/, ([guildId]) => {
    const guild = guildOf(guildId!);
    if (!guild) return unknownGuild();
    return json(
      200,
      [...guild.roles.values()].map((role) => ({
        id: role.id,
        name: role.name,
        position: role.position,
        permissions: role.permissions.toString(),
        managed: role.managed,
        color: 0,
        hoist: false,
        mentionable: false,
        flags: 0,
      })),
    );
  });
  route('PUT', /^\/guilds\/([^/]+)\/members\/([^/]+)\/roles\/([^/]+)$/, ([guildId, userId, roleId]) =>
    changeRole(guildId!, userId!, roleId!, true),
  );
  route('DELETE', /^\/guilds\/([^/]+)\/members\/([^/]+)\/roles\/([^/]+)$/, ([guildId, userId, roleId]) =>
    changeRole(guildId!, userId!, roleId!, false),
  );
  route('POST', /^\/users\/@me\/channels$/, (_params, body) => {
    const recipientId = String(body['recipient_id']);
    return json(200, { id: `dm-${recipientId}`, type: 1, recipients: [{ id: recipientId }] });
  });
  route('POST', /^\/channels\/dm-([^/]+)\/messages$/, ([recipientId], body) => {
    if (blockedDirectMessages.has(recipientId!)) {
      return discordError(403, 50007, 'Cannot send messages to this user');
    }
    const channelId = `dm-${recipientId}`;
    const content = String(body['content'] ?? '');
    directMessages.push({ recipientId: recipientId!, channelId, content, components: body['components'] });
    return json(200, { id: String(directMessages.length), channel_id: channelId, content });
  });
  route('POST', /^\/channels\/(?!dm-)([^/]+)\/messages$/, ([channelId], body) => {
    const content = String(body['content'] ?? '');
    channelMessages.push({ channelId: channelId!, content });
    return json(200, { id: `c${channelMessages.length}`, channel_id: channelId, content });
  });
  route('PUT', /^\/applications\/([^/]+)\/commands$/, (_params, body) => {
    registeredCommands.set('global', body as unknown as unknown[]);
    return json(200, body);
  });
  route('PUT', /^\/applications\/([^/]+)\/guilds\/([^/]+)\/commands$/, ([, guildId], body) => {
    registeredCommands.set(guildId!, body as unknown as unknown[]);
    return json(200, body);
  });
  route(
    'POST',
    /^\/interactions\/([^/]+)\/([^/]+)\/callback$/,
    ([interactionId, token], body) => {
      interactionCallbacks.push({ interactionId: interactionId!, token: token!, body });
      return json(204);
    },
    false,
  );
  route(
    'PATCH',
    /^\/webhooks\/([^/]+)\/([^/]+)\/messages\/@original$/,
    ([applicationId, token], body) => {
      interactionEdits.push({ applicationId: applicationId!, token: token!, body });
      return json(200, { id: 'original', ...body });
    },
    false,
  );
  route(
    'POST',
    /^\/webhooks\/([^/]+)\/([^/]+)$/,
    ([applicationId, token], body) => {
      followUps.push({ applicationId: applicationId!, token: token!, body });
      return json(200, { id: `followup-${followUps.length}`, ...body });
    },
    false,
  );

  /** Sliding one-second window: counts what arrived, refuses past the limit like Discord's global limit. */
  /**
   * Sliding one-second windows: the global one counts everything that arrived and refuses past
   * the limit like Discord's global limit; each route's bucket reports its own use in the
   * headers (with the same limit, so no one route is tighter than the whole).
   */
  function rateLimit(now: number, bucket: string): { refused: Answer } | { headers: Record<string, string> } {
    recentArrivals = recentArrivals.filter((at) => at > now - 1000);
    recentArrivals.push(now);
    maxRequestsInAnySecond = Math.max(maxRequestsInAnySecond, recentArrivals.length);
    if (requestsPerSecond === undefined) return { headers: {} };
    recentAccepted = recentAccepted.filter((at) => at > now - 1000);
    if (recentAccepted.length >= requestsPerSecond) {
      rateLimitedCount += 1;
      const retryAfter = (recentAccepted[0]! + 1000 - now) / 1000;
      return {
        refused: {
          status: 429,
          body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
          headers: {
            'retry-after': String(Math.ceil(retryAfter)),
            'x-ratelimit-global': 'true',
            'x-ratelimit-scope': 'global',
          },
        },
      };
    }
    recentAccepted.push(now);
    const inBucket = (acceptedByBucket.get(bucket) ?? []).filter((at) => at > now - 1000);
    inBucket.push(now);
    acceptedByBucket.set(bucket, inBucket);
    const resetAfterMs = inBucket[0]! + 1000 - now;
    return {
      headers: {
        'x-ratelimit-limit': String(requestsPerSecond),
        'x-ratelimit-remaining': String(Math.max(0, requestsPerSecond - inBucket.length)),
        'x-ratelimit-reset': ((now + resetAfterMs) / 1000).toFixed(3),
        'x-ratelimit-reset-after': (resetAfterMs / 1000).toFixed(3),
        'x-ratelimit-bucket': createHash('sha1').update(bucket).digest('hex').slice(0, 16),
      },
    };
  }

  /** The first injected failure for this request, used up by one. */
  function takeFailure(request: Pick<RecordedRequest, 'method' | 'path'>): InjectedFailure | undefined {
    const pending = failures.find(
      (failure) =>
        (failure.method === undefined || failure.method === request.method) &&
        (typeof failure.path === 'string' ? failure.path === request.path : failure.path.test(request.path)),
    );
    if (!pending) return undefined;
    pending.remaining -= 1;
    if (pending.remaining <= 0) failures.splice(failures.indexOf(pending), 1);
    return pending.failure;
  }

  function answer(request: IncomingMessage, path: string, body: Record<string, unknown>): Answer {
    const now = Date.now();
    const method = request.method ?? 'GET';
    let rateLimitHeaders: Record<string, string> = {};
    if (!exemptFromRateLimit(path)) {
      const limited = rateLimit(now, rateLimitBucketOf(method, path));
      if ('refused' in limited) return limited.refused;
      rateLimitHeaders = limited.headers;
    }
    const match = routes
      .map((candidate) => ({ candidate, found: candidate.method === method ? candidate.pattern.exec(path) : null }))
      .find((entry) => entry.found !== null);
    if (!match?.found) return discordError(404, 0, '404: Not Found');
    if (match.candidate.botAuth && !/^Bot \S+$/.test(request.headers.authorization ?? '')) {
      return discordError(401, 0, '401: Unauthorized');
    }
    const result = match.candidate.handle(match.found.slice(1), body);
    return { ...result, headers: { ...rateLimitHeaders, ...result.headers } };
  }

  function send(response: ServerResponse, result: Answer) {
    const headers: Record<string, string> = { ...result.headers };
    if (result.body === undefined || result.status === 204) {
      response.writeHead(result.status, headers).end();
      return;
    }
    headers['content-type'] = 'application/json';
    response.writeHead(result.status, headers).end(JSON.stringify(result.body));
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      // The REST client percent-encodes segments (`@original` arrives as `%40original`).
      const path = decodeURIComponent((request.url ?? '/').split('?')[0]!.replace(/^\/api\/v\d+/, ''));
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        body = { unparsed: text };
      }
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path,
        body,
        headers: request.headers,
        at: Date.now(),
        status: 0,
      };
      requests.push(recorded);
      const failure = takeFailure(recorded);
      if (failure?.destroy) {
        request.socket.destroy();
        return;
      }
      const result: Answer = failure
        ? { status: failure.status ?? 500, body: failure.body, headers: failure.headers ?? {} }
        : answer(request, path, body);
      recorded.status = result.status;
      send(response, result);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    /** For DISCORD_API_BASE / the REST `api` option. */
    url: `http://127.0.0.1:${port}/api`,
    botUserId,
    requests,
    directMessages,
    channelMessages,
    interactionEdits,
    followUps,
    interactionCallbacks,
    registeredCommands,

    /** A guild with @everyone (no permissions) and the bot holding a role at `botRolePosition`. */
    addGuild(guildId: string, setup: { botPermissions?: bigint; botRolePosition?: number } = {}) {
      const guild: FakeGuild = { id: guildId, roles: new Map(), members: new Map() };
      guild.roles.set(guildId, { id: guildId, name: '@everyone', position: 0, permissions: 0n, managed: false });
      const botRoleId = `${guildId}-bot`;
      guild.roles.set(botRoleId, {
        id: botRoleId,
        name: 'PaywallBot',
        position: setup.botRolePosition ?? 10,
        permissions: setup.botPermissions ?? permission.manageRoles,
        managed: true,
      });
      guild.members.set(botUserId, new Set([botRoleId]));
      guilds.set(guildId, guild);
    },
    removeGuild(guildId: string) {
      guilds.delete(guildId);
    },
    addRole(guildId: string, role: Partial<FakeRole> & { id: string; position: number }) {
      guildOf(guildId)?.roles.set(role.id, {
        name: role.id,
        permissions: 0n,
        managed: false,
        ...role,
      });
    },
    deleteRole(guildId: string, roleId: string) {
      guildOf(guildId)?.roles.delete(roleId);
    },
    setBotPermissions(guildId: string, bits: bigint) {
      const role = guildOf(guildId)?.roles.get(`${guildId}-bot`);
      if (role) role.permissions = bits;
    },
    addMember(guildId: string, userId: string, roleIds: string[] = []) {
      guildOf(guildId)?.members.set(userId, new Set(roleIds));
    },
    removeMember(guildId: string, userId: string) {
      guildOf(guildId)?.members.delete(userId);
    },
    /** undefined when the user is not in the guild. */
    memberRoles(guildId: string, userId: string): string[] | undefined {
      const roles = guildOf(guildId)?.members.get(userId);
      return roles ? [...roles] : undefined;
    },
    /** A moderator changing roles by hand, outside the bot. */
    setMemberRoles(guildId: string, userId: string, roleIds: string[]) {
      const guild = guildOf(guildId);
      if (guild?.members.has(userId)) guild.members.set(userId, new Set(roleIds));
    },
    blockDirectMessages(userId: string) {
      blockedDirectMessages.add(userId);
    },
    /** The next `times` requests matching method and path get this answer instead. */
    failNext(match: { method?: string; path: string | RegExp }, failure: InjectedFailure, times = 1) {
      failures.push({ method: match.method, path: match.path, failure, remaining: times });
    },
    setRequestsPerSecond(limit: number | undefined) {
      requestsPerSecond = limit;
    },
    /** Most rate-limited requests that arrived within any one second (429s included). */
    get maxRequestsInAnySecond() {
      return maxRequestsInAnySecond;
    },
    /** Requests answered 429 because they were over the limit. */
    get rateLimitedCount() {
      return rateLimitedCount;
    },
    resetCounters() {
      requests.length = 0;
      recentArrivals = [];
      recentAccepted = [];
      acceptedByBucket.clear();
      maxRequestsInAnySecond = 0;
      rateLimitedCount = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeDiscordApi = Awaited<ReturnType<typeof startFakeDiscordApi>>;
