import { z } from 'zod';

/** What a member can subscribe an endpoint to. Names follow Standard Webhooks' `noun.verb`. */
export const webhookEventTypes = ['signal.published', 'subscription.updated', 'entitlements.updated'] as const;
export const webhookEventTypeSchema = z.enum(webhookEventTypes);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

/** The feature a member's plan must carry to register endpoints and receive signals. */
export const outboundWebhooksFeature = 'outbound_webhooks';
