import { expect } from 'vitest';
import type { TestApp } from '../../core/testing/test-core.js';

/** The personal checkout link (`http://shop.test/c/<token>`) found in a reply's text or buttons. */
export function findCheckoutLink(text: string): string {
  const match = text.match(/https?:\/\/[^\s)>"]+\/c\/[\w.-]+/);
  expect(match, `no checkout link in: ${text}`).not.toBeNull();
  return match![0];
}

/**
 * What a member's browser does with a checkout link in sandbox mode: open it (303 to the
 * hosted sandbox page), press Pay, and let the signed webhook it sends be processed.
 */
export async function payCheckoutLink(test: TestApp, link: string): Promise<void> {
  const opened = await test.app.inject({ method: 'GET', url: new URL(link).pathname });
  expect(opened.statusCode, opened.body).toBe(303);
  const checkoutPath = new URL(String(opened.headers.location)).pathname;
  const paid = await test.app.inject({ method: 'POST', url: `${checkoutPath}/pay` });
  expect(paid.statusCode, paid.body).toBeLessThan(400);
  await test.drain();
}
