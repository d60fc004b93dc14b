import { expect } from 'vitest';
import { adminHeaders } from '../../core/testing/test-core.js';
import type { BrowserHarness } from './browser-harness.js';

/** The path of a fresh sandbox checkout page for a new member, made the way a bot's /subscribe makes one. */
export async function sandboxCheckoutPath(
  harness: BrowserHarness,
  planId = 'pro',
): Promise<{
  userId: string;
  path: string;
}> {
  const { id: userId } = await harness.test.createUser({ email: `buyer-${Date.now()}-${Math.random()}@example.com` });
  const response = await harness.test.app.inject({
    method: 'POST',
    url: '/v1/billing/checkout-session',
    headers: adminHeaders,
    payload: { user_id: userId, plan_id: planId },
  });
  expect(response.statusCode, response.body).toBe(200);
  const { url } = response.json<{ url: string }>();
  expect(url.startsWith(`${harness.origin}/sandbox/checkout/`), url).toBe(true);
  return { userId, path: new URL(url).pathname };
}
