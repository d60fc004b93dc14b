import type { DirectMessage } from '../ports/chat-platform.js';
import type { DisableReason } from './deliver-webhook.js';

const reasons: Record<DisableReason, string> = {
  gone: 'it answered 410 Gone, which means "stop sending"',
  failing: 'every delivery to it failed for a whole day',
};

/** The DM an owner gets when we turn their endpoint off. */
export const endpointDisabledMessage = (url: string, endpointId: string, reason: DisableReason): DirectMessage => ({
  text:
    `Your webhook endpoint ${url} was turned off: ${reasons[reason]}. ` +
    `Fix the receiver, then turn it back on with PATCH /v1/webhook-endpoints/${endpointId} {"enabled": true}; ` +
    'missed deliveries can be sent again with POST /v1/webhook-deliveries/<id>/redeliver.',
});
