import { randomBytes } from 'node:crypto';
import type { Cache } from '../core/ports/cache.js';
import type { ConfirmedActionKind } from './command-context.js';

const namespace = 'command-confirmations';
const ttlSeconds = 600;

export interface PendingConfirmation {
  actorTag: string;
  kind: ConfirmedActionKind;
  payload: Record<string, string | number>;
}

/**
 * A confirmation button carries only a short random id (Telegram allows 64 bytes of
 * callback data); what it confirms waits in the cache for ten minutes, bound to the member
 * who asked, and runs at most once.
 */
export function createPendingConfirmations(cache: Cache) {
  return {
    async store(confirmation: PendingConfirmation): Promise<string> {
      const id = randomBytes(9).toString('base64url');
      await cache.set(namespace, id, confirmation, ttlSeconds);
      return id;
    },

    /** The pending action if this actor may run it now; undefined when expired, used or someone else's. */
    async take(id: string, actorTag: string): Promise<PendingConfirmation | 'not_yours' | undefined> {
      const pending = await cache.get<PendingConfirmation>(namespace, id);
      if (!pending) return undefined;
      if (pending.actorTag !== actorTag) return 'not_yours';
      const uses = await cache.incr(namespace, `used:${id}`, 1, ttlSeconds);
      if (uses !== 1) return undefined;
      await cache.delete(namespace, id);
      return pending;
    },

    async discard(id: string, actorTag: string) {
      const pending = await cache.get<PendingConfirmation>(namespace, id);
      if (pending?.actorTag === actorTag) await cache.delete(namespace, id);
    },
  };
}
