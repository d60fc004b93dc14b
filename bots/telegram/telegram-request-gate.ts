import type { Transformer } from 'grammy';
import { createRequestPacer } from '../../core/access/request-pacer.js';

/**
 * Keeps the HTTP requests of the access client under the limit as Telegram counts them (see
 * core/access/request-pacer.ts): a revoke is two requests (ban, unban) and a grant two (unban
 * if banned, invite link). A 429 pauses every slot for its retry_after before the error
 * travels up.
 */
export function createTelegramRequestGate(requestsPerSecond: number): Transformer {
  const pacer = createRequestPacer(requestsPerSecond);
  return (previous, method, payload, signal) =>
    pacer.paced(async () => {
      const response = await previous(method, payload, signal);
      if (!response.ok && response.error_code === 429) pacer.pauseFor((response.parameters?.retry_after ?? 1) * 1000);
      return response;
    });
}
