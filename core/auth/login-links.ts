import { and, eq, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { identities, loginTokens, users } from '../../db/schema/index.js';
import type { AccessStrategyRegistry } from '../access/access-strategy-registry.js';
import { AppError } from '../errors.js';
import { chatPlatformNames } from '../ports/chat-platform.js';
import type { Clock } from '../ports/clock.js';
import type { EmailSender } from '../ports/email.js';
import type { Queue } from '../ports/queue.js';
import type { SlidingWindowLimiter } from '../rate-limits/rate-decision.js';
import { edgeId } from '../validation/edge-text.js';
import { sendDirectMessageTo } from './direct-message.js';
import { hashOpaqueToken, loginTokenMarker, newOpaqueToken } from './opaque-tokens.js';

export const loginLinkJob = 'auth.login-link';

/** Who asks for a login link: a chat account (the link goes to its DM) or an email address. */
export const loginTargetSchema = z.union([
  z.object({ platform: z.enum(chatPlatformNames), external_id: edgeId(128) }),
  z.object({
    email: z
      .email()
      .max(320)
      .transform((email) => email.toLowerCase()),
  }),
]);
export type LoginTarget = z.output<typeof loginTargetSchema>;

/** Per target, whether or not a member is behind it (so the limit reveals nothing). */
const requestsPerTarget = 5;
const targetWindowMs = 15 * 60_000;

const targetKey = (target: LoginTarget) =>
  'email' in target ? `login:email:${target.email}` : `login:${target.platform}:${target.external_id}`;

/**
 * Passwordless sign-in. The request only counts against the target's limit and enqueues a
 * job, so the answer (always 202) takes the same time whether the member exists or not; the
 * job finds the member, stores the token's hash and sends the link. Exchanging consumes the
 * token in one conditional UPDATE: single use even under a race.
 */
export function createLoginLinks(deps: {
  db: Database;
  clock: Clock;
  queue: Queue;
  limiter: SlidingWindowLimiter;
  registry: AccessStrategyRegistry;
  email: EmailSender;
  logger: Logger;
  publicUrl: string;
  ttlMinutes: number;
}) {
  const { db, clock } = deps;

  async function findMember(target: LoginTarget): Promise<string | undefined> {
    if ('email' in target) {
      const [byEmail] = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.email, target.email), isNull(users.mergedIntoUserId)));
      if (byEmail) return byEmail.id;
      const [byIdentity] = await db
        .select({ id: identities.userId })
        .from(identities)
        .where(and(eq(identities.platform, 'email'), eq(identities.externalId, target.email)));
      return byIdentity?.id;
    }
    const [identity] = await db
      .select({ id: identities.userId })
      .from(identities)
      .where(and(eq(identities.platform, target.platform), eq(identities.externalId, target.external_id)));
    return identity?.id;
  }

  function message(token: string) {
    const url = `${deps.publicUrl}/login?login_token=${encodeURIComponent(token)}`;
    const text =
      `Your sign-in link for the website and the API (works once, for ${deps.ttlMinutes} minutes): ${url}\n` +
      `Or exchange the code yourself: POST /v1/auth/token with {"login_token": "${token}"}.\n` +
      'If you did not ask for this, ignore it.';
    return { url, text };
  }

  /** Consumes a login token; returns its member and where the link was sent (a browser session records it). */
  async function consumeWithChannel(token: string): Promise<{ userId: string; channel: string }> {
    const tokenHash = hashOpaqueToken(token);
    const now = clock.now();
    const [consumed] = await db
      .update(loginTokens)
      .set({ consumedAt: now })
      .where(and(eq(loginTokens.tokenHash, tokenHash), isNull(loginTokens.consumedAt)))
      .returning();
    if (consumed && consumed.expiresAt.getTime() > now.getTime())
      return { userId: consumed.userId, channel: consumed.channel };
    if (consumed)
      throw new AppError('login_token_expired', 'This sign-in link has expired; ask for a new one.', { status: 401 });
    throw new AppError('login_token_invalid', 'This sign-in link is not valid or was already used.', {
      status: 401,
    });
  }

  return {
    async request(target: LoginTarget): Promise<void> {
      const decision = await deps.limiter.consume(targetKey(target), requestsPerTarget, targetWindowMs);
      if (!decision.allowed)
        throw new AppError('rate_limited', 'Too many sign-in requests for this account; try again later.', {
          status: 429,
          context: { retry_after_seconds: Math.ceil(decision.retryAfterMs / 1000) },
        });
      await deps.queue.enqueue(loginLinkJob, target);
    },

    /** The job: nothing is sent (and nothing stored) when no member is behind the target. */
    async deliver(target: LoginTarget): Promise<'sent' | 'no_member' | 'failed'> {
      const userId = await findMember(target);
      if (!userId) return 'no_member';
      const token = newOpaqueToken(loginTokenMarker);
      const channel = 'email' in target ? 'email' : target.platform;
      await db.insert(loginTokens).values({
        tokenHash: hashOpaqueToken(token),
        userId,
        channel,
        expiresAt: new Date(clock.now().getTime() + deps.ttlMinutes * 60_000),
        createdAt: clock.now(),
      });
      const { url, text } = message(token);
      try {
        if ('email' in target) await deps.email.send({ to: target.email, subject: 'Your sign-in link', text });
        else
          await sendDirectMessageTo(
            deps.registry,
            { platform: target.platform, externalId: target.external_id },
            { text, links: [{ label: 'Sign in', url }] },
          );
        return 'sent';
      } catch (error) {
        // Not retried: a second attempt would mint a second link; the member can ask again.
        deps.logger.warn({ err: error, userId, channel }, 'login link not delivered');
        return 'failed';
      }
    },

    /** Consumes a login token; returns its member. */
    async consume(token: string): Promise<string> {
      return (await consumeWithChannel(token)).userId;
    },

    consumeWithChannel,
  };
}

export type LoginLinks = ReturnType<typeof createLoginLinks>;
