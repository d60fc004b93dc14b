import { createHmac } from 'node:crypto';

export interface SlackSignatureHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
}

/**
 * Slack's v0 scheme, written out independently of Bolt so tests check the receiver against
 * the documented algorithm rather than against itself: `v0=` + hex(HMAC-SHA256(secret,
 * `v0:<timestamp>:<raw body>`)).
 */
export function signSlackRequest(options: {
  signingSecret: string;
  body: string;
  /** Unix seconds; the receiver measures the age against its clock. */
  timestamp: number;
}): SlackSignatureHeaders {
  const digest = createHmac('sha256', options.signingSecret)
    .update(`v0:${options.timestamp}:${options.body}`)
    .digest('hex');
  return { 'x-slack-request-timestamp': String(options.timestamp), 'x-slack-signature': `v0=${digest}` };
}
