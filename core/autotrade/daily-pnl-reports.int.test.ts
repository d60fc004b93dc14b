import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeChatPlatform, type FakeChatPlatform } from '../testing/fake-chat-platform.js';
import { createTestApp, type TestApp } from '../testing/test-core.js';
import { autotradeHarness } from './testing/autotrade-harness.js';

describe('VIP daily PnL reports', () => {
  let test: TestApp;
  let harness: ReturnType<typeof autotradeHarness>;
  let discord: FakeChatPlatform;
  const vipDiscordId = '920000000000000001';
  const proDiscordId = '920000000000000002';

  const reportsTo = (externalId: string) =>
    discord.dms
      .filter((dm) => dm.externalId === externalId && dm.message.text.startsWith('Your paper trading day'))
      .map((dm) => dm.message.text);

  beforeAll(async () => {
    test = await createTestApp();
    harness = autotradeHarness(test);
    discord = createFakeChatPlatform({ name: 'discord' });
    test.core.access.registerPlatform(discord.platform);
  });
  afterAll(async () => test?.close());

  it('a VIP gets one report a day from the configured hour on, and a Pro member gets none', async () => {
    test.clock.set('2026-11-02T06:00:00Z');
    const vip = await harness.member('vip', { discordId: vipDiscordId });
    const pro = await harness.member('pro', { discordId: proDiscordId });
    await harness.autotrade.enable(vip);
    await harness.autotrade.enable(pro);
    await harness.autotrade.onSignalPublished(
      harness.signal({ instrument: 'ETHUSD', side: 'long', entry: '100', stop: '95', targets: ['110', '120'] }),
    );
    await harness.play('ETHUSD', ['99', '111']);

    test.clock.set('2026-11-02T08:59:59Z');
    expect(await harness.autotrade.sendDailyReports()).toBe(0);
    expect(reportsTo(vipDiscordId)).toEqual([]);

    test.clock.set('2026-11-02T09:00:00Z');
    expect(await harness.autotrade.sendDailyReports()).toBe(1);
    expect(reportsTo(vipDiscordId)).toEqual([
      'Your paper trading day to 2 Nov 2026, 09:00 UTC: realised +$50.00 over 2 fills, unrealised +$55.00 on 1 open position, balance $10,050.00. Send /autotrade status for details.',
    ]);

    // The same hour again, a later hourly run, and two workers at once: nothing more today.
    expect(await harness.autotrade.sendDailyReports()).toBe(0);
    test.clock.set('2026-11-02T13:00:00Z');
    await Promise.all([harness.autotrade.sendDailyReports(), harness.autotrade.sendDailyReports()]);
    expect(reportsTo(vipDiscordId)).toHaveLength(1);

    test.clock.set('2026-11-03T09:00:00Z');
    const [first, second] = await Promise.all([
      harness.autotrade.sendDailyReports(),
      harness.autotrade.sendDailyReports(),
    ]);
    expect(first + second).toBe(1);
    expect(reportsTo(vipDiscordId)).toHaveLength(2);
    expect(reportsTo(vipDiscordId)[1]).toContain('realised $0.00 over 0 fills');

    expect(reportsTo(proDiscordId)).toEqual([]);
    const proKinds = (await test.core.notifications.listFor(pro)).map((row) => row.kind);
    expect(proKinds).not.toContain('daily_pnl_report');
  });
});
