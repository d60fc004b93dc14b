import { createRateGate, type RateGate } from '../access/rate-gate.js';
import type { ChatPlatformName } from '../ports/chat-platform.js';

/** Messages per second each platform allows a bot for signal sends (core/config.ts sets them). */
export interface SignalSendLimits {
  /** Whole bot, all chats together (Telegram about 30/s, Discord 50 requests/s). */
  perPlatform: Partial<Record<ChatPlatformName, number>>;
  /** One chat or channel (Telegram 1/s per chat, Slack 1/s per channel). */
  perChat: Partial<Record<ChatPlatformName, number>>;
}

interface ChatLane {
  tail: Promise<void>;
  lastStart: number;
  pending: number;
}

const realSleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/**
 * Token buckets for signal sends: the platform's own gate (core/access/rate-gate.ts, which also
 * honours 429 pauses) and, where the platform limits each chat too, a lane per chat in front of it.
 *
 * A chat's lane is sequential and spaces sends by the moment they really started, after their
 * platform slot: a gate in front of a gate would count a start while the send still waits for
 * the platform, letting two sends reach one chat within the same second. A lane is dropped
 * once it has been idle for a full interval, so forgetting it never shortens a gap.
 */
export function createSignalSendGates(
  limits: SignalSendLimits,
  options: { now?: () => number; sleep?: (milliseconds: number) => Promise<void> } = {},
) {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const platformGates = new Map<ChatPlatformName, RateGate>();
  const lanes = new Map<string, ChatLane>();

  const platformGate = (platform: ChatPlatformName) => {
    const rate = limits.perPlatform[platform];
    if (!rate) return undefined;
    let gate = platformGates.get(platform);
    if (!gate) {
      // A fan-out starts hundreds of sends in one tick; a GC pause between the gate's clock read
      // and the platform's can exceed rate-gate's default 1 ms, so keep 5 ms (0.5% of throughput).
      gate = createRateGate({ requestsPerSecond: rate, now, sleep, safetyMarginMs: 5 });
      platformGates.set(platform, gate);
    }
    return gate;
  };

  function throughPlatform<T>(platform: ChatPlatformName, send: () => Promise<T>, started: () => void): Promise<T> {
    const gate = platformGate(platform);
    const task = () => {
      started();
      return send();
    };
    return gate ? gate.run(task) : task();
  }

  function throughLane<T>(platform: ChatPlatformName, chatId: string, rate: number, send: () => Promise<T>) {
    const key = `${platform}:${chatId}`;
    // One millisecond of margin, as in rate-gate: the platform timestamps a moment later.
    const intervalMs = 1000 / rate + 1;
    const lane = lanes.get(key) ?? { tail: Promise.resolve(), lastStart: Number.NEGATIVE_INFINITY, pending: 0 };
    lanes.set(key, lane);
    lane.pending += 1;
    const result = lane.tail.then(async () => {
      const wait = lane.lastStart + intervalMs - now();
      if (wait > 0) await sleep(wait);
      return throughPlatform(platform, send, () => {
        lane.lastStart = now();
      });
    });
    lane.tail = result.then(
      () => undefined,
      () => undefined,
    );
    void lane.tail.then(() => {
      lane.pending -= 1;
      if (lane.pending > 0) return;
      setTimeout(() => {
        if (lane.pending === 0 && lanes.get(key) === lane) lanes.delete(key);
      }, intervalMs).unref();
    });
    return result;
  }

  return {
    run<T>(platform: ChatPlatformName, chatId: string, send: () => Promise<T>): Promise<T> {
      const perChat = limits.perChat[platform];
      return perChat ? throughLane(platform, chatId, perChat, send) : throughPlatform(platform, send, () => {});
    },
    /** A 429 (retry_after) stops every send on the platform, not only the one that got it. */
    pause(platform: ChatPlatformName, durationMs: number) {
      platformGate(platform)?.pauseFor(durationMs);
    },
    /** Chats with a send waiting or recently made (memory stays bounded by active chats). */
    get activeChats() {
      return lanes.size;
    },
  };
}

export type SignalSendGates = ReturnType<typeof createSignalSendGates>;
