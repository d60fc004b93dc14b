import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../core/testing/test-core.js';
import type { CommandActor, CommandRouter } from './command-types.js';
import { createCommandRouter } from './commands.js';

/**
 * Chat text reaches the same columns and audit log as HTTP bodies. A NUL or a lone surrogate in
 * a command is the member's mistake: a private reply that says so, never "something went wrong".
 */
describe('commands holding text no column can store', () => {
  let harness: TestApp;
  let router: CommandRouter;
  beforeAll(async () => {
    harness = await createTestApp();
    router = createCommandRouter(harness.core);
  });
  afterAll(async () => harness?.close());

  const actor = (externalId: string): CommandActor => ({
    platform: 'console',
    externalId,
    username: externalId,
    platformModerator: false,
  });

  const send = async (from: CommandActor, text: string) => {
    const invocation = router.parse(text);
    if (!invocation) throw new Error(`not a command: ${text}`);
    return (await router.run(from, invocation)).text;
  };

  for (const [name, text] of [
    ['a lone surrogate in an admin command (audited as jsonb)', '/admin lookup bob\ud800'],
    ['a NUL in a code to redeem', '/redeem SPRING\u000020'],
    ['a NUL in a link code', '/link AB\u0000CD'],
  ] as const) {
    it(`answers ${name} with invalid_request`, async () => {
      const reply = await send(actor('hostile-member'), text);
      expect(reply).toMatch(/\(invalid_request\)$/);
    });
  }

  it('answers a member whose own platform id holds a NUL with a refusal, not an internal error', async () => {
    const reply = await send(actor('nul\u0000member'), '/status');
    expect(reply).not.toMatch(/internal_error/);
    expect(reply).toMatch(/\((invalid_request|unstorable_value)\)$/);
  });
});
