import { rateGateShape } from '../access/rate-gate.js';
import {
  type AccessResource,
  type AccessResourceKind,
  type AccessState,
  type ChatPlatform,
  type ChatPlatformName,
  type DirectMessage,
  type GrantOutcome,
  PlatformError,
  type PlatformErrorCode,
  type PreflightProblem,
  resourceKey,
} from '../ports/chat-platform.js';

export type FakeMethod = 'read' | 'grant' | 'revoke' | 'dm' | 'channel';

export interface FakeCall {
  method: FakeMethod;
  externalId: string;
  resource?: AccessResource;
  /** Date.now() when the call arrived. */
  at: number;
  /** The error code it answered with, if any. */
  error?: PlatformErrorCode;
}

/** A programmed failure: the next `times` matching calls answer with `code`. */
export interface FakeFailure {
  code: PlatformErrorCode;
  method?: FakeMethod;
  externalId?: string;
  resourceId?: string;
  retryAfterMs?: number;
  times?: number;
}

const kindOf: Record<ChatPlatformName, AccessResourceKind> = {
  discord: 'discord_role',
  telegram: 'telegram_chat',
  slack: 'slack_channel',
};

/**
 * An in-memory chat platform for tests and the bench. Members join scopes (a Discord guild id,
 * '' for the Slack workspace); Telegram grants are single-use invite links the member follows.
 * Every call is recorded; calls beyond the advertised rate are answered with a 429 and counted.
 */
export function createFakeChatPlatform(
  options: {
    name?: ChatPlatformName;
    requestsPerSecond?: number;
    inviteTtlMs?: number;
    /** Invite expiry is on the product's clock (tests move it). */
    clock?: () => Date;
    /** How long each answer takes, like a real API's round trip (the bench sets it). */
    latencyMs?: number;
  } = {},
) {
  const name = options.name ?? 'discord';
  const kind = kindOf[name];
  const requestsPerSecond = options.requestsPerSecond ?? 1000;
  const { capacity, windowMs } = rateGateShape(requestsPerSecond);
  const clock = options.clock ?? (() => new Date());
  const members = new Map<string, Set<string>>();
  const held = new Set<string>();
  const invites = new Map<string, { externalId: string; resource: AccessResource; expiresAt: Date; used: boolean }>();
  const failures: Array<FakeFailure & { times: number }> = [];
  const calls: FakeCall[] = [];
  /** Arrival times inside the current window, oldest first. */
  const recent: number[] = [];
  const dms: Array<{ externalId: string; message: DirectMessage }> = [];
  const channelMessages: Array<{ channelId: string; message: DirectMessage }> = [];
  let overLimit = 0;

  const holding = (externalId: string, resource: AccessResource) => `${externalId}|${resourceKey(resource)}`;
  // Telegram chats have no enclosing scope: anyone with a live invite can join.
  const inScope = (externalId: string, resource: AccessResource) =>
    kind === 'telegram_chat' || Boolean(members.get(resource.scopeId)?.has(externalId));

  /**
   * The product's gate admits calls a full window apart, but each reaches this fake after an
   * await chain whose length varies under CPU load, so two calls admitted 1001 ms apart can
   * arrive 990 ms apart. A real platform sees the same from network jitter; the fake forgives
   * this much of it rather than fail a test over a scheduling delay.
   */
  const arrivalJitterMs = 25;

  /** Records the call, waits out the latency, then answers with a 429 over the limit or a programmed failure. */
  async function arrive(method: FakeMethod, externalId: string, resource?: AccessResource) {
    const call: FakeCall = { method, externalId, at: Date.now(), ...(resource ? { resource } : {}) };
    calls.push(call);
    while (recent.length > 0 && call.at - recent[0]! >= windowMs - arrivalJitterMs) recent.shift();
    recent.push(call.at);
    const overTheLimit = recent.length > capacity;
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    if (overTheLimit) {
      overLimit += 1;
      call.error = 'platform_rate_limited';
      throw new PlatformError(name, 'platform_rate_limited', 'over the rate limit', { retryAfterMs: windowMs });
    }
    const failure = failures.find(
      (rule) =>
        rule.times > 0 &&
        (!rule.method || rule.method === method) &&
        (!rule.externalId || rule.externalId === externalId) &&
        (!rule.resourceId || rule.resourceId === resource?.resourceId),
    );
    if (!failure) return;
    failure.times -= 1;
    call.error = failure.code;
    throw new PlatformError(name, failure.code, `fake ${failure.code}`, {
      ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    });
  }

  const platform: ChatPlatform = {
    name,
    requestsPerSecond,
    strategies: [
      {
        kind,
        async read(externalId, resource): Promise<AccessState> {
          await arrive('read', externalId, resource);
          if (held.has(holding(externalId, resource))) return 'held';
          return inScope(externalId, resource) ? 'absent' : 'not_in_scope';
        },
        async grant(externalId, resource): Promise<GrantOutcome> {
          await arrive('grant', externalId, resource);
          if (!inScope(externalId, resource)) return { result: 'not_in_scope' };
          if (kind !== 'telegram_chat') {
            held.add(holding(externalId, resource));
            return { result: 'granted' };
          }
          const inviteUrl = `https://t.me/+fake${invites.size + 1}`;
          const expiresAt = new Date(clock().getTime() + (options.inviteTtlMs ?? 3_600_000));
          invites.set(inviteUrl, { externalId, resource, expiresAt, used: false });
          return { result: 'invited', inviteUrl, expiresAt };
        },
        async revoke(externalId, resource) {
          await arrive('revoke', externalId, resource);
          held.delete(holding(externalId, resource));
        },
      },
    ],
    async sendDirectMessage(externalId, message) {
      await arrive('dm', externalId);
      dms.push({ externalId, message });
    },
    async sendChannelMessage(channelId, message) {
      await arrive('channel', channelId);
      channelMessages.push({ channelId, message });
    },
    async preflight() {
      return fake.preflightProblems;
    },
  };

  const fake = {
    platform,
    calls,
    dms,
    channelMessages,
    /** What preflight answers. */
    preflightProblems: [] as PreflightProblem[],
    get overLimit() {
      return overLimit;
    },
    /** Grant and revoke calls that went through (drift the reconciler repaired). */
    changes: () => calls.filter((call) => (call.method === 'grant' || call.method === 'revoke') && !call.error),
    join(externalId: string, scopeId = '') {
      const scope = members.get(scopeId) ?? new Set<string>();
      scope.add(externalId);
      members.set(scopeId, scope);
    },
    /** Leaving a guild or workspace drops what the member held in it. */
    leave(externalId: string, scopeId = '') {
      members.get(scopeId)?.delete(externalId);
      for (const key of held) if (key.startsWith(`${externalId}|${kind}:${scopeId}:`)) held.delete(key);
    },
    holds: (externalId: string, resource: AccessResource) => held.has(holding(externalId, resource)),
    /** A moderator (or the member) changes access by hand, behind the product's back. */
    setHeld(externalId: string, resource: AccessResource, value: boolean) {
      if (value) held.add(holding(externalId, resource));
      else held.delete(holding(externalId, resource));
    },
    /** The member follows a Telegram invite: joins once, while it is live, if it was made for them. */
    followInvite(externalId: string, inviteUrl: string): boolean {
      const invite = invites.get(inviteUrl);
      if (!invite || invite.used || invite.externalId !== externalId || invite.expiresAt <= clock()) return false;
      invite.used = true;
      held.add(holding(externalId, invite.resource));
      return true;
    },
    fail(failure: FakeFailure) {
      failures.push({ ...failure, times: failure.times ?? Number.POSITIVE_INFINITY });
    },
    clearFailures() {
      failures.length = 0;
    },
    /** The most calls that arrived in any window the advertised rate allows `capacity` in. */
    busiestWindow() {
      let busiest = 0;
      let first = 0;
      for (let last = 0; last < calls.length; last += 1) {
        while (calls[last]!.at - calls[first]!.at >= windowMs) first += 1;
        busiest = Math.max(busiest, last - first + 1);
      }
      return { calls: busiest, allowed: capacity, windowMs };
    },
  };
  return fake;
}

export type FakeChatPlatform = ReturnType<typeof createFakeChatPlatform>;
