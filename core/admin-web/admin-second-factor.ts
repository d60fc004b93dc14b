import { createHmac, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import type { Database } from '../../db/client.js';
import { adminRecoveryCodes, adminSecondFactors } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { hashOpaqueToken } from '../auth/opaque-tokens.js';
import { AppError } from '../errors.js';
import { decryptSecret, encryptSecret } from '../outbound-webhooks/secret-box.js';
import type { Clock } from '../ports/clock.js';

const periodSeconds = 30;
export const recoveryCodeCount = 10;

/** The AES key for TOTP secrets: from the configured encryption key, else the admin key (a separate derivation). */
export function deriveSecondFactorKey(configuredKey: string | undefined, adminKey: string): Buffer {
  return createHmac('sha256', configuredKey ?? adminKey)
    .update('community-monetization/admin-totp-secrets/v1')
    .digest();
}

/** `abcd-efgh-jkmn`: 60 random bits, no look-alike characters, easy to type from paper. */
function newRecoveryCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(12);
  const characters = [...bytes].map((byte) => alphabet[byte % alphabet.length]).join('');
  return `${characters.slice(0, 4)}-${characters.slice(4, 8)}-${characters.slice(8, 12)}`;
}

const normalizedRecoveryCode = (code: string) => code.trim().toLowerCase().replaceAll(/\s+/g, '');
const hashRecoveryCode = (actor: string, code: string) =>
  hashOpaqueToken(`admin-recovery:${actor}:${normalizedRecoveryCode(code)}`);

const wrongCode = () =>
  new AppError('admin_sign_in_failed', 'That code is not right; use the current code from your app.', {
    status: 401,
  });

/**
 * TOTP two-factor for the admin pages, per admin actor. The secret is encrypted at rest, a
 * code is accepted once (its time step is remembered), and ten recovery codes, stored as
 * hashes, each open the pages once when the phone is lost.
 */
export function createAdminSecondFactor(deps: { db: Database; clock: Clock; key: Buffer; issuer: string }) {
  const { db, clock } = deps;

  const totpFor = (actor: string, secret: OTPAuth.Secret) =>
    new OTPAuth.TOTP({
      issuer: deps.issuer,
      label: actor,
      secret,
      algorithm: 'SHA1',
      digits: 6,
      period: periodSeconds,
    });

  async function row(actor: string) {
    const [found] = await db.select().from(adminSecondFactors).where(eq(adminSecondFactors.actor, actor));
    return found;
  }

  /** The time step a code matches (one step either side, for clocks a little apart), or null. */
  function matchingStep(actor: string, encryptedSecret: string, code: string): number | null {
    const secret = OTPAuth.Secret.fromBase32(decryptSecret(deps.key, encryptedSecret, `admin-totp:${actor}`));
    const token = code.replaceAll(/\s+/g, '');
    if (!/^\d{6}$/.test(token)) return null;
    const now = clock.now().getTime();
    const delta = totpFor(actor, secret).validate({ token, timestamp: now, window: 1 });
    return delta === null ? null : Math.floor(now / 1000 / periodSeconds) + delta;
  }

  return {
    async isEnrolled(actor: string): Promise<boolean> {
      return Boolean((await row(actor))?.confirmedAt);
    },

    /**
     * A new secret for an actor not yet enrolled (replacing an unconfirmed one): the page shows
     * its QR code. Refused once enrolled, so a stolen first factor cannot swap the phone.
     */
    async beginEnrolment(actor: string): Promise<{ secret: string; uri: string }> {
      const existing = await row(actor);
      if (existing?.confirmedAt)
        throw new AppError('admin_second_factor_enrolled', 'Two-factor sign-in is already set up; give a code.', {
          status: 409,
        });
      const secret = new OTPAuth.Secret({ size: 20 });
      const encryptedSecret = encryptSecret(deps.key, secret.base32, `admin-totp:${actor}`);
      await db
        .insert(adminSecondFactors)
        .values({ actor, encryptedSecret, createdAt: clock.now() })
        .onConflictDoUpdate({ target: adminSecondFactors.actor, set: { encryptedSecret, createdAt: clock.now() } });
      return { secret: secret.base32, uri: totpFor(actor, secret).toString() };
    },

    /** The secret being enrolled, to show its QR code again after a reload. */
    async pendingEnrolment(actor: string): Promise<{ secret: string; uri: string } | undefined> {
      const existing = await row(actor);
      if (!existing || existing.confirmedAt) return undefined;
      const base32 = decryptSecret(deps.key, existing.encryptedSecret, `admin-totp:${actor}`);
      return { secret: base32, uri: totpFor(actor, OTPAuth.Secret.fromBase32(base32)).toString() };
    },

    /** The first code proves the phone has the secret; returns the recovery codes, shown this once. */
    async confirmEnrolment(actor: string, code: string): Promise<string[]> {
      const existing = await row(actor);
      if (!existing || existing.confirmedAt)
        throw new AppError('admin_second_factor_enrolled', 'There is no two-factor enrolment to confirm.', {
          status: 409,
        });
      const step = matchingStep(actor, existing.encryptedSecret, code);
      if (step === null) {
        await recordAudit(db, {
          actor,
          action: 'admin_web.second_factor_refused',
          subjectType: 'admin_web',
          subjectId: actor,
          details: { stage: 'enrolment' },
        });
        throw wrongCode();
      }
      const codes = Array.from({ length: recoveryCodeCount }, newRecoveryCode);
      const now = clock.now();
      await db.transaction(async (transaction) => {
        const [confirmed] = await transaction
          .update(adminSecondFactors)
          .set({ confirmedAt: now, lastUsedStep: step })
          .where(and(eq(adminSecondFactors.actor, actor), isNull(adminSecondFactors.confirmedAt)))
          .returning();
        if (!confirmed)
          throw new AppError('admin_second_factor_enrolled', 'Two-factor sign-in was set up meanwhile.', {
            status: 409,
          });
        await transaction.delete(adminRecoveryCodes).where(eq(adminRecoveryCodes.actor, actor));
        await transaction
          .insert(adminRecoveryCodes)
          .values(codes.map((each) => ({ codeHash: hashRecoveryCode(actor, each), actor, createdAt: now })));
        await recordAudit(transaction, {
          actor,
          action: 'admin_web.second_factor_enrolled',
          subjectType: 'admin_web',
          subjectId: actor,
          details: { recovery_codes: recoveryCodeCount },
        });
      });
      return codes;
    },

    /**
     * Checks a TOTP code, or a recovery code (which is spent). Refusals are audited: a run of
     * them in the log is someone guessing.
     */
    async verify(actor: string, code: string): Promise<'totp' | 'recovery_code'> {
      const existing = await row(actor);
      if (!existing?.confirmedAt)
        throw new AppError('admin_second_factor_required', 'Set up two-factor sign-in first.', { status: 403 });
      const step = matchingStep(actor, existing.encryptedSecret, code);
      if (step !== null && (existing.lastUsedStep === null || step > existing.lastUsedStep)) {
        // Conditional: two requests racing with one code cannot both win.
        const [accepted] = await db
          .update(adminSecondFactors)
          .set({ lastUsedStep: step })
          .where(
            and(
              eq(adminSecondFactors.actor, actor),
              existing.lastUsedStep === null
                ? isNull(adminSecondFactors.lastUsedStep)
                : eq(adminSecondFactors.lastUsedStep, existing.lastUsedStep),
            ),
          )
          .returning();
        if (accepted) return 'totp';
      }
      const [spent] = await db
        .update(adminRecoveryCodes)
        .set({ usedAt: clock.now() })
        .where(
          and(
            eq(adminRecoveryCodes.codeHash, hashRecoveryCode(actor, code)),
            eq(adminRecoveryCodes.actor, actor),
            isNull(adminRecoveryCodes.usedAt),
          ),
        )
        .returning();
      if (spent) {
        await recordAudit(db, {
          actor,
          action: 'admin_web.recovery_code_used',
          subjectType: 'admin_web',
          subjectId: actor,
        });
        return 'recovery_code';
      }
      await recordAudit(db, {
        actor,
        action: 'admin_web.second_factor_refused',
        subjectType: 'admin_web',
        subjectId: actor,
        details: { stage: 'sign_in' },
      });
      throw wrongCode();
    },
  };
}

export type AdminSecondFactor = ReturnType<typeof createAdminSecondFactor>;
