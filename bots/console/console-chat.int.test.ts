import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../core/testing/test-core.js';
import { auditLog } from '../../db/schema/index.js';
import type { CommandRouter } from '../command-types.js';
import { createCommandRouter } from '../commands.js';
import { formatInstant } from '../reply-format.js';
import { findCheckoutLink, payCheckoutLink } from '../testing/pay-checkout-link.js';
import { createConsoleChat } from './console-chat.js';
import { createConsoleChatLogger } from './console-chat-logs.js';

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
  it('/admin lookup describes another member in the third person, never as "you"', async () => {
    const moderator = createConsoleChat({ router, member: 'owner', moderator: true });
    await createConsoleChat({ router, member: 'erin' }).handleLine('/status');
    await moderator.handleLine('/admin grant erin vip 30');
    const lookup = (await moderator.handleLine('/admin lookup erin'))!;
    expect(lookup).toContain('Has VIP until');
    expect(lookup).toContain('granted by a moderator.');
    expect(lookup).toContain('Plan: VIP (active)');
    expect(lookup).not.toMatch(/\byou(r)?\b/i);
  });

  it('/admin revoke names the plan the member is left on once ("Now: Free."), not "free, free"', async () => {
    const moderator = createConsoleChat({ router, member: 'owner', moderator: true });
    await createConsoleChat({ router, member: 'frank' }).handleLine('/status');
    await moderator.handleLine('/admin grant frank pro 30');
    const revoked = (await moderator.handleLine('/admin revoke frank'))!;
    expect(revoked).toContain('Revoked 1 grant(s). Now: Free.');
    expect(revoked).not.toMatch(/free, free/i);
  });

  it('the terminal promises no DM: /signals and /apikey say what happens here instead', async () => {
    const chat = createConsoleChat({ router, member: 'gina' });
    const signals = (await chat.handleLine('/signals'))!;
    expect(signals).not.toContain('arrive by DM');
    expect(signals).toContain('This terminal has no DMs');
    expect(signals).toContain('/signals latest');
    const keys = (await chat.handleLine('/apikey list'))!;
    expect(keys).not.toContain('arrives by DM');
    expect(keys).toContain('shown here, once');
    const help = (await chat.handleLine('/help'))!;
    expect(help).not.toContain('arrive by DM');
  });

  it('the link expiry in chat and on the checkout page is the same instant, the link’s own (CHECKOUT_LINK_TTL_MINUTES)', async () => {
    const chat = createConsoleChat({ router, member: 'hana' });
    const offer = (await chat.handleLine('/subscribe pro'))!;
    const expected = new Date(test.clock.now().getTime() + test.core.config.CHECKOUT_LINK_TTL_MINUTES * 60_000);
    const said = offer.match(/works until (\d+ \w+ \d{4} \d{2}:\d{2} UTC)/)?.[1];
    expect(said).toBe(formatInstant(expected));

    const opened = await test.app.inject({ method: 'GET', url: new URL(findCheckoutLink(offer)).pathname });
    expect(opened.statusCode).toBe(303);
    const page = await test.app.inject({ method: 'GET', url: new URL(String(opened.headers.location)).pathname });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Expires ${said}`);
  });
});

describe('the terminal shop’s logs', () => {
  it('go to DATA_DIR/chat.log, warnings included, and never to the terminal', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-logs-'));
    const written = vi.spyOn(process.stdout, 'write');
    try {
      const { logger, file } = createConsoleChatLogger({ dataDir, level: 'info' });
      expect(file).toBe(path.join(dataDir, 'chat.log'));
      logger.warn({ code: 'platform_permission_missing' }, 'access preflight: a warning for the log file');
      logger.flush();
      expect(readFileSync(file, 'utf8')).toContain('access preflight: a warning for the log file');
      expect(written.mock.calls.map(([chunk]) => String(chunk)).join('')).not.toContain('access preflight');
    } finally {
      written.mockRestore();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
