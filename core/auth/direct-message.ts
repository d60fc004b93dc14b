import type { AccessStrategyRegistry } from '../access/access-strategy-registry.js';
import { AppError } from '../errors.js';
import type { DirectMessage } from '../ports/chat-platform.js';

/**
 * A DM to one named chat account (the one that asked), through its platform's rate gate.
 * Unlike notifications, it never picks "the platform used most recently": a secret goes only
 * where it was asked for.
 */
export async function sendDirectMessageTo(
  registry: AccessStrategyRegistry,
  target: { platform: string; externalId: string },
  message: DirectMessage,
): Promise<void> {
  const registered = registry.platform(target.platform);
  if (!registered)
    throw new AppError('dm_unavailable', `No ${target.platform} bot is running here to send you a private message.`, {
      status: 503,
    });
  await registered.gate.run(() => registered.platform.sendDirectMessage(target.externalId, message));
}
