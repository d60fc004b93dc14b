import { describe, expect, it } from 'vitest';
import { createSignalSendGates } from './send-gates.js';

/** A clock and sleep the test drives: sleeping advances time, so no real time passes. */
function virtualTime() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (milliseconds: number) => {
      now += milliseconds;
    },
  };
}

describe('signal send gates', () => {
  it('spaces sends to one Telegram chat a second apart, while other chats go at once', async () => {
    const time = virtualTime();
    const gates = createSignalSendGates({ perPlatform: { telegram: 30 }, perChat: { telegram: 1 } }, time);
    const starts: Array<{ chat: string; at: number }> = [];
    const send = (chat: string) => gates.run('telegram', chat, async () => starts.push({ chat, at: time.now() }));
    await Promise.all([send('a'), send('a'), send('b'), send('a')]);
    const chatA = starts.filter((start) => start.chat === 'a').map((start) => start.at);
    expect(chatA).toHaveLength(3);
    for (let index = 1; index < chatA.length; index += 1)
      expect(chatA[index]! - chatA[index - 1]!).toBeGreaterThanOrEqual(1000);
    expect(starts.find((start) => start.chat === 'b')?.at).toBeLessThan(1000);
  });

  it('never starts more than the platform limit in any second', async () => {
    const time = virtualTime();
    const gates = createSignalSendGates({ perPlatform: { discord: 50 }, perChat: {} }, time);
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        gates.run('discord', `chat-${index}`, async () => starts.push(time.now())),
      ),
    );
    for (const start of starts)
      expect(starts.filter((other) => other >= start && other < start + 1000).length).toBeLessThanOrEqual(50);
  });

  it('a 429 pause holds every send on the platform until retry_after has passed', async () => {
    const time = virtualTime();
    const gates = createSignalSendGates({ perPlatform: { discord: 50 }, perChat: {} }, time);
    gates.pause('discord', 3000);
    let startedAt = -1;
    await gates.run('discord', 'x', async () => {
      startedAt = time.now();
    });
    expect(startedAt).toBeGreaterThanOrEqual(3000);
  });
});
