/** The queue job that attempts one delivery; its id names the attempt, so a retry is never deduped away. */
export const deliverWebhookJob = 'outbound-webhooks.deliver';

export const deliveryJobId = (deliveryId: string, attempts: number) => `owh-${deliveryId}-a${attempts}`;

/** Fans one published signal out to endpoints, off the publisher's path; one job per signal. */
export const fanOutSignalJob = 'outbound-webhooks.signal-published';
