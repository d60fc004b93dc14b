import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { PlatformError, type PlatformErrorCode } from '../../core/ports/chat-platform.js';

/** The JSON error codes of Discord's API that the adapter acts on (docs: "JSON Error Codes"). */
export const discordErrorCode = {
  unknownGuild: 10004,
  unknownMember: 10007,
  unknownRole: 10011,
  unknownUser: 10013,
  missingAccess: 50001,
  cannotMessageUser: 50007,
  missingPermissions: 50013,
} as const;

export const isDiscordErrorCode = (error: unknown, ...codes: number[]): boolean =>
  error instanceof DiscordAPIError && typeof error.code === 'number' && codes.includes(error.code);

function classify(error: DiscordAPIError): PlatformErrorCode {
  switch (error.code) {
    case discordErrorCode.missingPermissions:
    case discordErrorCode.missingAccess:
      return 'platform_permission_missing';
    case discordErrorCode.unknownRole:
    case discordErrorCode.unknownGuild:
      return 'platform_resource_missing';
    case discordErrorCode.cannotMessageUser:
    case discordErrorCode.unknownMember:
    case discordErrorCode.unknownUser:
      return 'platform_member_unreachable';
  }
  // 401 is a revoked or wrong token: only a person can fix it, like a missing permission.
  if (error.status === 401 || error.status === 403) return 'platform_permission_missing';
  if (error.status >= 500) return 'platform_unavailable';
  return 'platform_rejected';
}

/**
 * Turns whatever @discordjs/rest threw into a classified PlatformError. The REST client is
 * configured with `retries: 0` and `rejectOnRateLimit`, so a 429 (or an exhausted bucket)
 * arrives here at once and the caller's rate gate decides when to try again.
 * The message never carries the request URL: interaction URLs embed a token.
 */
export function toPlatformError(error: unknown, action: string): PlatformError {
  if (error instanceof PlatformError) return error;
  if (error instanceof RateLimitError) {
    return new PlatformError('discord', 'platform_rate_limited', `Discord rate limit on ${action}`, {
      retryAfterMs: Math.max(0, Math.ceil(error.retryAfter)),
      cause: error,
      context: { route: error.route, global: error.global },
    });
  }
  if (error instanceof DiscordAPIError) {
    return new PlatformError('discord', classify(error), `Discord refused ${action}: ${error.message}`, {
      cause: error,
      context: { discordCode: error.code, status: error.status },
    });
  }
  if (error instanceof HTTPError) {
    const code = error.status >= 500 ? 'platform_unavailable' : 'platform_rejected';
    return new PlatformError('discord', code, `Discord answered ${error.status} to ${action}`, {
      cause: error,
      context: { status: error.status },
    });
  }
  // Connection refused or reset, DNS, timeout (AbortError): the network, so worth another try.
  const reason = error instanceof Error ? error.message : String(error);
  return new PlatformError('discord', 'platform_unavailable', `Discord unreachable for ${action}: ${reason}`, {
    cause: error,
  });
}
