import { webApi } from '@slack/bolt';
import { isPlatformError, PlatformError, type PlatformErrorCode } from '../../core/ports/chat-platform.js';

/** Slack answers that mean the bot lacks a right only a person can give it. */
const permissionErrors = new Set([
  'missing_scope',
  'not_allowed_token_type',
  'restricted_action',
  'cant_kick_from_general',
  'cant_kick_from_last_channel',
  'cant_kick_self',
  'cant_invite_self',
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'access_denied',
  'ekm_access_denied',
  'team_access_not_granted',
  'method_not_supported_for_channel_type',
  // conversations.invite: the bot itself is not in the private channel.
  'not_in_channel',
]);

const missingResourceErrors = new Set(['channel_not_found', 'is_archived']);

/** Slack's own transient failures, answered with HTTP 200 and ok: false. */
const unavailableErrors = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

const unreachableMemberErrors = new Set(['user_not_found', 'user_disabled', 'cannot_dm_bot', 'messages_tab_disabled']);

const retryAfterFromHeaders = (headers: Record<string, string> | undefined): number | undefined => {
  const value = Number(headers?.['retry-after']);
  return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
};

/** The Web API error code Slack answered with (`channel_not_found`), if it was a platform answer. */
export function slackErrorCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && error.code === webApi.ErrorCode.PlatformError) {
    return (error as webApi.WebAPIPlatformError).data.error;
  }
  return undefined;
}

/**
 * Any failure of a Web API call as a PlatformError, classified: rate limits and 5xx are
 * retryable (the reconciler waits `retryAfterMs`), a missing scope or right needs a person.
 * `overrides` reclassifies answers whose meaning depends on the call (channel_not_found on a
 * DM means the member cannot be reached, not that a resource is gone).
 */
export function toSlackPlatformError(
  error: unknown,
  method: string,
  options: {
    overrides?: Partial<Record<string, PlatformErrorCode>>;
    context?: Record<string, unknown>;
    /** What a person should do, by Slack error code ("invite the bot to #pro"). */
    hints?: Partial<Record<string, string>>;
  } = {},
): PlatformError {
  if (isPlatformError(error)) return error;
  const context = { method, ...options.context };
  const hint = options.hints?.[slackErrorCode(error) ?? ''];
  const make = (code: PlatformErrorCode, message: string, retryAfterMs?: number) =>
    new PlatformError('slack', code, `Slack ${method}: ${message}${hint ? `: ${hint}` : ''}`, {
      cause: error,
      context,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  if (!(error instanceof Error) || !('code' in error)) return make('platform_unavailable', String(error));
  switch (error.code) {
    case webApi.ErrorCode.RateLimitedError: {
      const { retryAfter } = error as webApi.WebAPIRateLimitedError;
      return make('platform_rate_limited', `rate limited, retry after ${retryAfter} s`, retryAfter * 1000);
    }
    case webApi.ErrorCode.HTTPError: {
      const { statusCode, headers } = error as webApi.WebAPIHTTPError;
      if (statusCode === 429) return make('platform_rate_limited', 'HTTP 429', retryAfterFromHeaders(headers) ?? 1000);
      if (statusCode >= 500 || statusCode === 408) return make('platform_unavailable', `HTTP ${statusCode}`);
      return make('platform_rejected', `HTTP ${statusCode}`);
    }
    case webApi.ErrorCode.RequestError:
      return make('platform_unavailable', `request failed: ${(error as webApi.WebAPIRequestError).original.message}`);
    case webApi.ErrorCode.PlatformError: {
      const data = (error as webApi.WebAPIPlatformError).data;
      const code = data.error;
      const override = options.overrides?.[code];
      if (override) return make(override, code);
      if (code === 'ratelimited') return make('platform_rate_limited', code, 1000);
      if (code === 'missing_scope')
        return make(
          'platform_permission_missing',
          `missing_scope (needs ${String((data as { needed?: unknown }).needed)})`,
        );
      if (permissionErrors.has(code)) return make('platform_permission_missing', code);
      if (missingResourceErrors.has(code)) return make('platform_resource_missing', code);
      if (unavailableErrors.has(code)) return make('platform_unavailable', code);
      if (unreachableMemberErrors.has(code)) return make('platform_member_unreachable', code);
      return make('platform_rejected', code);
    }
    default:
      return make('platform_unavailable', error.message);
  }
}
