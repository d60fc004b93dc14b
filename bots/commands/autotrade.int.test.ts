import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../core/testing/test-core.js';
import type { CommandRouter } from '../command-types.js';
import { createCommandRouter } from '../commands.js';
import { createConsoleChat } from '../console/console-chat.js';

describe('/autotrade through the command router', () => {
  let test: TestApp;
  let router: CommandRouter;

  beforeAll(async () => {
    test = await createTestApp();
    router = createCommandRouter(test.core);
  });
  afterAll(async () => test?.close());

  const grant = async (member: string, planId: string) => {
    const moderator = createConsoleChat({ router, member: 'owner', moderator: true });
    expect(await moderator.handleLine(`/admin grant ${member} ${planId} 30`)).toContain(`Granted ${planId} until`);
  };

  it('a Pro member turns it on, sees the paper account follow a signal, and turns it off', async () => {
    const chat = createConsoleChat({ router, member: 'paula' });
    expect(await chat.handleLine('/autotrade')).toContain('You have no paper account yet.');
    await grant('paula', 'pro');

    expect(await chat.handleLine('/autotrade on')).toBe(
      'Autotrade sandbox is on. Your paper account follows every new signal with $1,000.00 per position. Balance: $10,000.00.',
    );
    // Through the signals engine: its listener enqueues the follow job, the worker places the order.
    await test.core.signals.publish(
      {
        instrument: 'BTCUSD',
        side: 'long',
        entry: '64250.5',
        stop: '63000',
        targets: ['66000', '68000'],
        idempotency_key: `autotrade-${randomUUID()}`,
      },
      'console:owner',
    );
    await test.drain();

    const status = await chat.handleLine('/autotrade status');
    expect(status).toContain('== Your paper account ==');
    expect(status).toContain('LONG BTCUSD @ 64250.5: waiting for the entry');
    expect(status).toContain('Autotrade: on: following new signals');
    expect(status).toContain('Balance: $10,000.00');
    expect(status).toContain('Positions: 0 open, 1 waiting for entry');

    expect(await chat.handleLine('/autotrade off')).toBe(
      'Autotrade sandbox is off: new signals are not followed. 1 unfilled order canceled; open positions still close at their stop or targets.',
    );
    const after = await chat.handleLine('/autotrade status');
    expect(after).toContain('Autotrade: off');
    expect(after).toContain('BTCUSD @ 64250.5: canceled, never filled');
  });

  it('a Core member is refused with the stable code and the plan to upgrade to', async () => {
    const chat = createConsoleChat({ router, member: 'cory' });
    await chat.handleLine('/autotrade');
    await grant('cory', 'core');
    expect(await chat.handleLine('/autotrade on')).toBe(
      'The autotrade sandbox comes with Pro and above. Send /tiers to upgrade. (autotrade_not_in_plan)',
    );
    expect(await chat.handleLine('/autotrade sideways')).toContain('(invalid_argument)');
  });
});
