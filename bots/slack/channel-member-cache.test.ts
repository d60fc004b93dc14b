import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../core/testing/fake-clock.js';
import { createChannelMemberCache } from './channel-member-cache.js';

describe('the per-channel member copy', () => {
  it('an invite made while the listing is in flight survives the (older) listing', async () => {
    let release: (members: Set<string>) => void = () => {};
    const cache = createChannelMemberCache({
      clock: createFakeClock(),
      ttlMs: 60_000,
      load: () => new Promise((resolve) => (release = resolve)),
    });
    const listing = cache.members('G1');
    cache.joined('G1', 'U_NEW');
    cache.left('G1', 'U_OLD');
    release(new Set(['U_OLD', 'U_STAYS']));
    expect([...(await listing)].sort()).toEqual(['U_NEW', 'U_STAYS']);
  });

  it('concurrent readers share one listing, and a failed listing is tried again next time', async () => {
    let loads = 0;
    const cache = createChannelMemberCache({
      clock: createFakeClock(),
      ttlMs: 60_000,
      load: async () => {
        loads += 1;
        if (loads === 1) throw new Error('slack down');
        return new Set(['U1']);
      },
    });
    const first = await Promise.allSettled([cache.members('G1'), cache.members('G1')]);
    expect(first.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(loads).toBe(1);
    expect(await cache.members('G1')).toEqual(new Set(['U1']));
    expect(loads).toBe(2);
  });
});
