import { GrammyError, HttpError, type Transformer } from 'grammy';
import { isPlatformError, PlatformError, type PlatformErrorCode } from '../../core/ports/chat-platform.js';

/** Telegram words its 400s for the bot's missing admin rights in several ways. */
const missingRights =
  /not enough rights|chat_admin_required|need administrator rights|have no rights|not an administrator|method is available only for supergroups|bot was kicked|bot is not a member/i;
const chatMissing = /chat not found|group chat was deactivated|chat_id_invalid|peer_id_invalid/i;
const memberMissing = /user not found|participant_id_invalid|user_id_invalid/i;

function classify(error: GrammyError): PlatformErrorCode {
  const { error_code: status, description } = error;
  if (status === 429) return 'platform_rate_limited';
  if (status >= 500) return 'platform_unavailable';
  if (status === 401 || status === 404) return 'platform_permission_missing';
  if (chatMissing.test(description)) return 'platform_resource_missing';
  if (missingRights.test(description)) return 'platform_permission_missing';
  // 403 on a DM: blocked, never started, deactivated. Nobody can fix that but the member.
  if (status === 403) return 'platform_member_unreachable';
  if (memberMissing.test(description)) return 'platform_member_unreachable';
  return 'platform_rejected';
}

/** True for a 400 saying Telegram does not know this user (never talked to the bot, deleted). */
export const isUnknownMember = (error: unknown) =>
  error instanceof GrammyError && error.error_code === 400 && memberMissing.test(error.description);

/** An invite link Telegram no longer knows as usable (expired, used up, revoked). */
export const isInviteGone = (error: unknown) =>
  error instanceof GrammyError && error.error_code === 400 && /INVITE_HASH_(EXPIRED|INVALID)/.test(error.description);

/** True when a DM could not be delivered because of the member (blocked the bot, never started it). */
export const isDirectMessageRefused = (error: unknown) =>
  (error instanceof GrammyError && error.error_code === 403) ||
  (isPlatformError(error) && error.code === 'platform_member_unreachable');

/**
 * Any failure of a Bot API call as a PlatformError: retryable (429 with retry_after, 5xx,
 * network) or needing a person (rights, chat gone), so the reconciler knows whether to wait or to
 * tell a moderator.
 */
export function toPlatformError(error: unknown, context: Record<string, unknown> = {}): PlatformError {
  if (isPlatformError(error)) return error;
  if (error instanceof GrammyError) {
    const code = classify(error);
    const retryAfterSeconds = error.parameters.retry_after;
    return new PlatformError('telegram', code, `Telegram ${error.method}: ${error.description}`, {
      cause: error,
      context: { ...context, method: error.method, status: error.error_code },
      ...(code === 'platform_rate_limited' ? { retryAfterMs: (retryAfterSeconds ?? 1) * 1000 } : {}),
    });
  }
  if (error instanceof HttpError)
    return new PlatformError('telegram', 'platform_unavailable', `Telegram unreachable: ${error.message}`, {
      cause: error,
      context,
    });
  return new PlatformError('telegram', 'platform_unavailable', `Telegram call failed: ${String(error)}`, {
    cause: error,
    context,
  });
}

/** Rewrites an error and the errors inside it (HttpError keeps the fetch error in `error`) without the token. */
function scrubToken(error: unknown, token: string, seen = new Set<unknown>()) {
  if (!(error instanceof Error) || seen.has(error)) return;
  seen.add(error);
  error.message = error.message.replaceAll(token, '[redacted]');
  if (error.stack) error.stack = error.stack.replaceAll(token, '[redacted]');
  scrubToken((error as { error?: unknown }).error, token, seen);
  scrubToken(error.cause, token, seen);
}

/**
 * A network failure's message holds the request URL, and Bot API URLs hold the bot token
 * (`/bot<token>/getMe`): removed here, before any log line can carry it.
 */
export const redactTokenInErrors =
  (token: string): Transformer =>
  async (previous, method, payload, signal) => {
    try {
      return await previous(method, payload, signal);
    } catch (error) {
      scrubToken(error, token);
      throw error;
    }
  };
