import { randomUUID } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { type WebhookEndpointRow, webhookEndpoints } from '../../db/schema/index.js';
import type { Clock } from '../ports/clock.js';
import { checkDestination, type DestinationPolicy, parseEndpointUrl } from './destination-policy.js';
import { decryptSecret, encryptSecret } from './secret-box.js';
import { endpointLimitReached, endpointNotFound, featureRequired } from './webhook-errors.js';
import { outboundWebhooksFeature, type WebhookEventType } from './webhook-event-types.js';
import { generateWebhookSecret } from './webhook-signature.js';
import { canSee, type WebhookViewer } from './webhook-viewer.js';

export interface EndpointInput {
  url: string;
  events: WebhookEventType[];
}

export interface EndpointChanges {
  url?: string | undefined;
  events?: WebhookEventType[] | undefined;
  enabled?: boolean | undefined;
}

/** The features of the member an endpoint is for, as the caller's credential or the admin lookup says. */
export type MemberFeatures = readonly string[];

const requireFeature = (features: MemberFeatures) => {
  if (!features.includes(outboundWebhooksFeature)) throw featureRequired();
};

/** Register, list, change, remove endpoints and rotate their secrets; ownership is checked on every call. */
export function createEndpointService(deps: {
  db: Database;
  clock: Clock;
  secretKey: Buffer;
  destinations: DestinationPolicy;
  maxEndpointsPerMember: number;
}) {
  const { db, clock } = deps;

  async function validatedUrl(raw: string) {
    const url = parseEndpointUrl(raw, deps.destinations);
    await checkDestination(url, deps.destinations);
    return url.toString();
  }

  async function find(viewer: WebhookViewer, endpointId: string) {
    const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
    if (!row || !canSee(viewer, row.userId)) throw endpointNotFound();
    return row;
  }

  return {
    async create(userId: string, features: MemberFeatures, input: EndpointInput) {
      requireFeature(features);
      const url = await validatedUrl(input.url);
      const id = randomUUID();
      const secret = generateWebhookSecret();
      const now = clock.now();
      const row = await db.transaction(async (transaction) => {
        // Creations for one member queue on this lock, so the count below cannot be raced by
        // a concurrent request: the limit holds without a read-then-write window.
        await transaction.execute(
          sql`select pg_advisory_xact_lock(hashtextextended(${`webhook-endpoints:${userId}`}, 0))`,
        );
        const [{ count } = { count: 0 }] = await transaction
          .select({ count: sql<number>`count(*)::int` })
          .from(webhookEndpoints)
          .where(eq(webhookEndpoints.userId, userId));
        if (count >= deps.maxEndpointsPerMember) throw endpointLimitReached(deps.maxEndpointsPerMember);
        const [created] = await transaction
          .insert(webhookEndpoints)
          .values({
            id,
            userId,
            url,
            events: [...new Set(input.events)],
            status: 'active',
            secretCiphertext: encryptSecret(deps.secretKey, secret, id),
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        return created!;
      });
      return { endpoint: row, secret };
    },

    list(viewer: WebhookViewer, userId: string) {
      if (!canSee(viewer, userId)) throw endpointNotFound();
      return db
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.userId, userId))
        .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
    },

    get: find,

    /** Re-enabling needs the feature again and starts a fresh failure count. */
    async update(
      viewer: WebhookViewer,
      endpointId: string,
      changes: EndpointChanges,
      featuresOf: (userId: string) => Promise<MemberFeatures>,
    ) {
      const existing = await find(viewer, endpointId);
      const values: Partial<typeof webhookEndpoints.$inferInsert> = { updatedAt: clock.now() };
      if (changes.url !== undefined || changes.enabled === true) requireFeature(await featuresOf(existing.userId));
      if (changes.url !== undefined) values.url = await validatedUrl(changes.url);
      if (changes.events !== undefined) values.events = [...new Set(changes.events)];
      if (changes.enabled === true && existing.status !== 'active')
        Object.assign(values, { status: 'active', disabledReason: null, disabledAt: null, consecutiveFailures: 0 });
      if (changes.enabled === false && existing.status === 'active')
        Object.assign(values, { status: 'disabled', disabledReason: 'member', disabledAt: clock.now() });
      const [row] = await db
        .update(webhookEndpoints)
        .set(values)
        .where(eq(webhookEndpoints.id, endpointId))
        .returning();
      return row ?? existing;
    },

    async remove(viewer: WebhookViewer, endpointId: string) {
      const existing = await find(viewer, endpointId);
      await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, existing.id));
    },

    /** A new secret at once; the old one stops signing immediately. Shown once, like at creation. */
    async rotateSecret(viewer: WebhookViewer, endpointId: string) {
      const existing = await find(viewer, endpointId);
      const secret = generateWebhookSecret();
      const now = clock.now();
      const [row] = await db
        .update(webhookEndpoints)
        .set({
          secretCiphertext: encryptSecret(deps.secretKey, secret, existing.id),
          secretRotatedAt: now,
          updatedAt: now,
        })
        .where(eq(webhookEndpoints.id, existing.id))
        .returning();
      return { endpoint: row!, secret };
    },

    secretOf(endpoint: Pick<WebhookEndpointRow, 'id' | 'secretCiphertext'>) {
      return decryptSecret(deps.secretKey, endpoint.secretCiphertext, endpoint.id);
    },
  };
}

export type EndpointService = ReturnType<typeof createEndpointService>;
