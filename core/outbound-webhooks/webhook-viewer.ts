/**
 * Who looks at endpoints and deliveries: a member sees only their own (anything else is
 * 404, never confirming it exists); the admin key sees everything.
 */
export type WebhookViewer = { kind: 'admin' } | { kind: 'member'; userId: string };

export const canSee = (viewer: WebhookViewer, ownerId: string) => viewer.kind === 'admin' || viewer.userId === ownerId;
