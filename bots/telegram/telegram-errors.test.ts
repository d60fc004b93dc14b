import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { toPlatformError } from './telegram-errors.js';

const telegramError = (error_code: number, description: string, retry_after?: number) =>
  new GrammyError(
    "Call to 'banChatMember' failed!",
    { ok: false, error_code, description, ...(retry_after === undefined ? {} : { parameters: { retry_after } }) },
    'banChatMember',
    {},
  );

describe('toPlatformError', () => {
  it.each([
    [429, 'Too Many Requests: retry after 3', 'platform_rate_limited'],
    [500, 'Internal Server Error', 'platform_unavailable'],
    [502, 'Bad Gateway', 'platform_unavailable'],
    [400, 'Bad Request: chat not found', 'platform_resource_missing'],
    [400, 'Bad Request: not enough rights to restrict/unrestrict chat member', 'platform_permission_missing'],
    [400, 'Bad Request: CHAT_ADMIN_REQUIRED', 'platform_permission_missing'],
    [403, 'Forbidden: bot was kicked from the supergroup chat', 'platform_permission_missing'],
    [403, 'Forbidden: bot is not a member of the channel chat', 'platform_permission_missing'],
    [401, 'Unauthorized', 'platform_permission_missing'],
    [403, 'Forbidden: bot was blocked by the user', 'platform_member_unreachable'],
    [403, "Forbidden: bot can't initiate conversation with a user", 'platform_member_unreachable'],
    [403, 'Forbidden: user is deactivated', 'platform_member_unreachable'],
    [400, 'Bad Request: user is an administrator of the chat', 'platform_rejected'],
  ])('%i "%s" is %s', (status, description, code) => {
    expect(toPlatformError(telegramError(status, description)).code).toBe(code);
  });

  it('a 429 carries retry_after as milliseconds, and is retryable', () => {
    const error = toPlatformError(telegramError(429, 'Too Many Requests: retry after 3', 3));
    expect(error).toMatchObject({ retryable: true, needsPerson: false, retryAfterMs: 3000, platform: 'telegram' });
  });

  it('missing rights and a missing chat need a person; a network failure is retried', () => {
    expect(toPlatformError(telegramError(400, 'Bad Request: chat not found'))).toMatchObject({ needsPerson: true });
    expect(toPlatformError(telegramError(400, 'Bad Request: CHAT_ADMIN_REQUIRED'))).toMatchObject({
      needsPerson: true,
      retryable: false,
    });
    const network = toPlatformError(new HttpError("Network request for 'getMe' failed!", new Error('ECONNRESET')));
    expect(network).toMatchObject({ code: 'platform_unavailable', retryable: true });
  });
});
