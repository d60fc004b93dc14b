import { AppError } from '../errors.js';
import {
  type AccessResourceKind,
  type AccessStrategy,
  type ChatPlatform,
  type ChatPlatformName,
  platformOfKind,
} from '../ports/chat-platform.js';
import { createRateGate, type RateGate } from './rate-gate.js';

/** A platform as the reconciler and the notifier use it: its calls always pass its gate. */
export interface RegisteredPlatform {
  platform: ChatPlatform;
  gate: RateGate;
}

/**
 * Grant/revoke strategies keyed by resource kind, and the platforms they came from, each
 * with one rate gate shared by access calls and DMs. Bots register their platform at start.
 */
export function createAccessStrategyRegistry(options: { createGate?: (platform: ChatPlatform) => RateGate } = {}) {
  const createGate =
    options.createGate ??
    ((platform: ChatPlatform) => createRateGate({ requestsPerSecond: platform.requestsPerSecond }));
  const platforms = new Map<ChatPlatformName, RegisteredPlatform>();
  const strategies = new Map<AccessResourceKind, AccessStrategy>();

  return {
    /** Adds a platform and its strategies; registering the same platform again replaces it. */
    registerPlatform(platform: ChatPlatform) {
      for (const strategy of platform.strategies)
        if (platformOfKind[strategy.kind] !== platform.name)
          throw new AppError(
            'access_strategy_mismatch',
            `A ${strategy.kind} strategy cannot belong to ${platform.name}.`,
            { context: { platform: platform.name, kind: strategy.kind } },
          );
      for (const [kind, owner] of Object.entries(platformOfKind))
        if (owner === platform.name) strategies.delete(kind as AccessResourceKind);
      for (const strategy of platform.strategies) strategies.set(strategy.kind, strategy);
      platforms.set(platform.name, { platform, gate: createGate(platform) });
    },
    strategy: (kind: AccessResourceKind) => strategies.get(kind),
    platform: (name: string) => platforms.get(name as ChatPlatformName),
    platforms: () => [...platforms.values()],
    names: () => [...platforms.keys()],
  };
}

export type AccessStrategyRegistry = ReturnType<typeof createAccessStrategyRegistry>;
