import { createHash, timingSafeEqual } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { auditLog } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { type AdminSignInMethod, adminKeyActor } from './admin-actors.js';
import { createAdminLoginLinks } from './admin-login-links.js';
import { createAdminSecondFactor, deriveSecondFactorKey } from './admin-second-factor.js';
import { type AdminWebSession, createAdminWebSessions } from './admin-web-sessions.js';

/** Wrong first or second factors per actor (or per address for the admin key) before a pause. */
const refusalsPerWindow = 5;
const refusalWindowMinutes = 15;

/** Digests of equal length, so the comparison's time says nothing about the key. */
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * The owner's sign-in for the admin pages: a first factor (the admin key, or a moderator's
 * one-time bot link), then TOTP; every step audited with the actor it signs in.
 */
export function createAdminWeb(deps: {
  db: Database;
  clock: Clock;
  adminKey: string;
  encryptionKey: string | undefined;
  publicUrl: string;
}) {
  const { db } = deps;
  const adminKeyDigest = digest(deps.adminKey);
  const isAdminKey = (candidate: string) => timingSafeEqual(digest(candidate), adminKeyDigest);
  const sessions = createAdminWebSessions(deps);
  const loginLinks = createAdminLoginLinks(deps);
  const secondFactor = createAdminSecondFactor({
    db,
    clock: deps.clock,
    key: deriveSecondFactorKey(deps.encryptionKey, deps.adminKey),
    issuer: new URL(deps.publicUrl).host || 'admin',
  });

  /**
   * Refuses to even check a code or key after too many recent refusals. The refusals are
   * counted from the audit log (each one is written there anyway), so the pause holds across
   * processes; only failures count, so an admin signing in often is never paused.
   */
  async function pauseAfterRefusals(where: { action: string; subjectId: string; actor?: string }) {
    const [row] = await db
      .select({ count: sql<string>`count(*)` })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.subjectType, 'admin_web'),
          eq(auditLog.subjectId, where.subjectId),
          eq(auditLog.action, where.action),
          where.actor ? eq(auditLog.actor, where.actor) : undefined,
          sql`${auditLog.createdAt} > now() - make_interval(mins => ${refusalWindowMinutes})`,
        ),
      );
    if (Number(row?.count ?? 0) >= refusalsPerWindow)
      throw new AppError('rate_limited', 'Too many refused sign-in attempts; wait 15 minutes.', {
        status: 429,
        context: { retry_after_seconds: refusalWindowMinutes * 60 },
      });
  }

  async function startSession(actor: string, method: AdminSignInMethod) {
    const { token } = await sessions.create(actor, method);
    await recordAudit(db, {
      actor,
      action: 'admin_web.signed_in',
      subjectType: 'admin_web',
      subjectId: actor,
      details: { method, second_factor: 'pending' },
    });
    return { token, actor };
  }

  return {
    sessions,
    secondFactor,
    loginLinks,

    /** The first factor by admin key; `clientKey` (the address) bounds the guessing. */
    async signInWithAdminKey(candidate: string, clientKey: string) {
      await pauseAfterRefusals({
        action: 'admin_web.sign_in_refused',
        subjectId: adminKeyActor,
        actor: `anonymous:${clientKey}`,
      });
      if (!isAdminKey(candidate.trim())) {
        await recordAudit(db, {
          actor: `anonymous:${clientKey}`,
          action: 'admin_web.sign_in_refused',
          subjectType: 'admin_web',
          subjectId: adminKeyActor,
          details: { method: 'admin_key' },
        });
        throw new AppError('admin_sign_in_failed', 'That is not the admin key.', { status: 401 });
      }
      return startSession(adminKeyActor, 'admin_key');
    },

    async signInWithLink(token: string) {
      const actor = await loginLinks.consume(token);
      return startSession(actor, 'bot_link');
    },

    /** The second factor for a signed-in session: a TOTP code or a recovery code. */
    async completeSecondFactor(session: AdminWebSession, code: string) {
      await pauseAfterRefusals({ action: 'admin_web.second_factor_refused', subjectId: session.actor });
      const how = await secondFactor.verify(session.actor, code);
      await sessions.completeSecondFactor(session.tokenHash);
      await recordAudit(db, {
        actor: session.actor,
        action: 'admin_web.second_factor_passed',
        subjectType: 'admin_web',
        subjectId: session.actor,
        details: { method: session.method, with: how },
      });
    },

    /** Enrolment's first code: confirms the phone, completes this session, returns the recovery codes. */
    async confirmEnrolment(session: AdminWebSession, code: string) {
      await pauseAfterRefusals({ action: 'admin_web.second_factor_refused', subjectId: session.actor });
      const codes = await secondFactor.confirmEnrolment(session.actor, code);
      await sessions.completeSecondFactor(session.tokenHash);
      return codes;
    },

    async signOut(session: AdminWebSession) {
      await sessions.revoke(session.tokenHash);
      await recordAudit(db, {
        actor: session.actor,
        action: 'admin_web.signed_out',
        subjectType: 'admin_web',
        subjectId: session.actor,
      });
    },
  };
}

export type AdminWeb = ReturnType<typeof createAdminWeb>;
