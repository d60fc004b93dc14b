import { REST } from 'discord.js';

export interface DiscordRestOptions {
  token: string;
  /** DISCORD_API_BASE: another Discord-compatible server (the tests' fake). */
  apiBase?: string | undefined;
  requestsPerSecond: number;
}

/**
 * The REST client for access sync and DMs. A 429 or an exhausted bucket rejects at once
 * (RateLimitError) instead of sleeping inside the SDK, and nothing is retried here: the
 * reconciler's rate gate owns pacing and retries, and honours retry_after.
 */
export function createAccessRest(options: DiscordRestOptions): REST {
  return new REST({
    version: '10',
    ...(options.apiBase ? { api: options.apiBase } : {}),
    rejectOnRateLimit: () => true,
    retries: 0,
    // No extra margin on Discord's reset times: the gate paces, and retryAfterMs stays Discord's own figure.
    offset: 0,
    // The SDK's own global counter must never be the tighter limit: our gate paces below it.
    globalRequestsPerSecond: Math.max(50, Math.ceil(options.requestsPerSecond)),
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
    retries: 2,
    timeout: 10_000,
  }).setToken(options.token);
}

/** Stops the SDK's sweeper timers. */
export function closeRest(rest: REST): void {
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
}
