import { DefaultRestOptions, REST } from 'discord.js';
import { createRequestPacer } from '../../core/access/request-pacer.js';
import { PlatformError } from '../../core/ports/chat-platform.js';

export interface DiscordRestOptions {
  token: string;
  /** DISCORD_API_BASE: another Discord-compatible server (the tests' fake). */
  apiBase?: string | undefined;
  requestsPerSecond: number;
}

/**
 * A bucket that resets sooner than this is waited out inside the client; a longer reset is
 * handed back as platform_rate_limited, so the reconciler reschedules that member instead of
 * holding its turn.
 */
export const longestInlineBucketWaitMs = 1500;

/** A 429's wait: the longer of the body's retry_after and the Retry-After header (seconds). */
async function retryAfterMsOf(response: { headers: Headers; json(): Promise<unknown> }): Promise<number> {
  const body = (await response.json().catch(() => ({}))) as { retry_after?: unknown };
  const fromBody = typeof body.retry_after === 'number' ? body.retry_after : 0;
  const fromHeader = Number(response.headers.get('retry-after') ?? '0');
  const seconds = Math.max(fromBody, Number.isFinite(fromHeader) ? fromHeader : 0) || 1;
  return Math.ceil(seconds * 1000);
}

/**
 * The REST client for access sync and DMs. Requests are paced where they leave the process
 * (core/access/request-pacer.ts), because @discordjs/rest runs each bucket's requests one after
 * another and would otherwise spend part of every second's budget queued inside the SDK. A 429
 * pauses the pacer and rejects at once as platform_rate_limited (no retry here: the reconciler
 * reschedules, honouring retry_after); a bucket about to reset is waited out, a long one rejected.
 */
export function createAccessRest(options: DiscordRestOptions): REST {
  const pacer = createRequestPacer(options.requestsPerSecond);
  return new REST({
    version: '10',
    ...(options.apiBase ? { api: options.apiBase } : {}),
    makeRequest: (url, init) =>
      pacer.paced(async () => {
        const response = await DefaultRestOptions.makeRequest(url, init);
        if (response.status !== 429) return response;
        const retryAfterMs = await retryAfterMsOf(response as never);
        pacer.pauseFor(retryAfterMs);
        throw new PlatformError('discord', 'platform_rate_limited', 'Discord answered 429', {
          retryAfterMs,
          context: { global: response.headers.get('x-ratelimit-global') === 'true' },
        });
      }),
    rejectOnRateLimit: (limit) => limit.timeToReset > longestInlineBucketWaitMs,
    retries: 0,
    // No extra margin on Discord's reset times: the pacer spaces requests, and retry_after stays Discord's own figure.
    offset: 0,
    // The SDK counts a request before the pacer lets it go; its own global counter must never be the tighter limit.
    globalRequestsPerSecond: Math.max(1000, Math.ceil(options.requestsPerSecond) * 4),
    timeout: 10_000,
  }).setToken(options.token);
}

/**
 * The REST client for answering interactions and registering commands. Interaction webhooks
 * are not bound by the bot's global limit, so they get their own client: a reconcile running
 * at full rate never makes a member's reply wait or fail, and a rare 429 here is waited out.
 */
export function createInteractionRest(options: DiscordRestOptions): REST {
  return new REST({
    version: '10',
    ...(options.apiBase ? { api: options.apiBase } : {}),
    // The SDK counts every request against one global budget (50/s by default) and pauses all of
    // them for up to a second when it runs out: at 50+ replies a second, about one reply in fifty
    // waited 0.4-0.6 s for nothing. Discord does not count interaction webhooks against it.
    globalRequestsPerSecond: 10_000,
    retries: 2,
    timeout: 10_000,
  }).setToken(options.token);
}

/** Stops the SDK's sweeper timers. */
export function closeRest(rest: REST): void {
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
}
