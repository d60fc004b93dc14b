import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../core/testing/test-core.js';
import { auditLog } from '../../db/schema/index.js';
import type { CommandRouter } from '../command-types.js';
import { createCommandRouter } from '../commands.js';
import { findCheckoutLink, payCheckoutLink } from '../testing/pay-checkout-link.js';
import { createConsoleChat } from './console-chat.js';

describe('the terminal shop (npm run chat)', () => {
  let test: TestApp;
  let router: CommandRouter;

  beforeEach(async () => {
    test = await createTestApp();
    router = createCommandRouter(test.core);
  });
  afterEach(async () => {
    await test.close();
  });

  it('a member buys Pro with /subscribe and /status then shows Pro, active, with the renewal date', async () => {
    const chat = createConsoleChat({ router, member: 'alice' });
    const offer = await chat.handleLine('/subscribe pro');
    await payCheckoutLink(test, findCheckoutLink(offer!));

    const status = await chat.handleLine('/status');
    expect(status).toContain('Plan: Pro');
    expect(status).toContain('State: active');
    expect(status).toMatch(/Renews: \d+ \w+ \d{4}/);
    expect(status).toContain('Signals today: 0 of 1000');
  });

  it('/tiers marks the member’s plan and offers buttons only for plans they can buy', async () => {
    const chat = createConsoleChat({ router, member: 'bob' });
    const tiers = await chat.handleLine('/tiers');
    expect(tiers).toContain('Free — free  ← your plan');
    expect(tiers).toContain('Pro — $49.00/mo');
    expect(tiers).toContain('[!2] Get Pro');
    expect(tiers).not.toContain('Get Enterprise');

    const pressed = await chat.handleLine('!2');
    expect(findCheckoutLink(pressed!)).toContain('/c/');
  });

  it('/cancel asks first, and confirming cancels at the period end while access stays', async () => {
    const chat = createConsoleChat({ router, member: 'carol' });
    await payCheckoutLink(test, findCheckoutLink((await chat.handleLine('/subscribe core'))!));

    const question = await chat.handleLine('/cancel');
    expect(question).toContain('Cancel core?');
    const done = await chat.handleLine('!1');
    expect(done).toContain('Canceled. You keep access until');
    await test.drain();
    expect(await chat.handleLine('/why')).toMatch(/until/);
    expect(await chat.handleLine('!1')).toContain('No such button');
  });

  it('a confirmation runs once, and only for the member who asked', async () => {
    const alice = createConsoleChat({ router, member: 'alice2' });
    await payCheckoutLink(test, findCheckoutLink((await alice.handleLine('/subscribe pro'))!));
    const question = await router.run(alice.actor, { name: 'cancel', args: {} });
    const confirm = question.buttons?.[0];
    expect(confirm && 'action' in confirm).toBe(true);
    const action = (confirm as { action: string }).action;

    const mallory = createConsoleChat({ router, member: 'mallory' });
    expect((await router.press(mallory.actor, action)).text).toContain('(not_your_action)');
    expect((await router.press(alice.actor, action)).text).toContain('Canceled.');
    expect((await router.press(alice.actor, action)).text).toContain('(confirmation_expired)');
  });

  it('a member cannot run /admin, the refusal is audited, and a moderator can', async () => {
    const member = createConsoleChat({ router, member: 'dave' });
    expect(await member.handleLine('/admin stats')).toContain('(not_moderator)');
    const refusals = await test.core.db.select().from(auditLog).where(eq(auditLog.action, 'command.admin.refused'));
    expect(refusals.map((row) => row.actor)).toEqual(['console:dave']);

    const moderator = createConsoleChat({ router, member: 'owner', moderator: true });
    const stats = await moderator.handleLine('/admin stats');
    expect(stats).toContain('MRR:');
    expect(await moderator.handleLine('/admin grant dave vip 30')).toContain('Granted vip until');
    expect(await member.handleLine('/status')).toContain('Plan: VIP');
  });

  it('a moderator changes a price after confirming; existing prices stay as versions', async () => {
    const moderator = createConsoleChat({ router, member: 'owner', moderator: true });
    expect(await moderator.handleLine('/admin plans price pro 5900')).toContain('$59.00/mo');
    expect(await moderator.handleLine('!1')).toContain('now costs $59.00/mo');
    const plan = await test.core.catalog.getPlan('pro');
    expect(
      plan.prices.filter((price) => price.interval === 'month').map((price) => [price.amountMinor, price.active]),
    ).toEqual(
      expect.arrayContaining([
        [4900, false],
        [5900, true],
      ]),
    );
  });

  it('bad input gets a reply with a stable code, never a crash', async () => {
    const chat = createConsoleChat({ router, member: 'erin' });
    expect(await chat.handleLine('/subscribe')).toContain('(missing_argument)');
    expect(await chat.handleLine('/subscribe platinum')).toContain('(plan_not_found)');
    expect(await chat.handleLine('/nope')).toContain('(unknown_command)');
    expect(await chat.handleLine('/manage')).toContain('(subscription_not_found)');
  });
});
