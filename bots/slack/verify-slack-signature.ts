import { verifySlackRequest } from '@slack/bolt';
import type { Clock } from '../../core/ports/clock.js';

/** Slack's documented tolerance: a signature more than five minutes away from now is refused. */
const toleranceSeconds = 300;

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

/**
 * Checks X-Slack-Signature over the exact raw bytes with Bolt's own verifier (v0 scheme,
 * constant-time compare). Bolt only refuses timestamps in the past, so a timestamp from the
 * future is refused here too: otherwise a captured request signed "tomorrow" would replay all
 * day. The age is measured against our clock, so tests can move time instead of re-signing.
 */
export function verifySlackSignature(options: {
  signingSecret: string;
  rawBody: string;
  signature: string | undefined;
  timestamp: string | undefined;
  clock: Clock;
}): SignatureCheck {
  const { signature, timestamp } = options;
  if (!signature || !timestamp) return { valid: false, reason: 'missing signature headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { valid: false, reason: 'malformed timestamp' };
  const nowMilliseconds = options.clock.now().getTime();
  const timestampSeconds = Number(timestamp);
  if (timestampSeconds > Math.floor(nowMilliseconds / 1000) + toleranceSeconds)
    return { valid: false, reason: 'timestamp in the future' };
  try {
    verifySlackRequest({
      signingSecret: options.signingSecret,
      body: options.rawBody,
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestampSeconds },
      nowMilliseconds,
    });
    return { valid: true };
  } catch (error) {
    return { valid: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
