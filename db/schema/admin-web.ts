import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The owner's web sign-in, kept apart from members' sessions: an admin is an actor
 * (`admin:api-key` or a moderator's `discord:123`), not necessarily a member.
 */

/** One TOTP secret per admin actor, encrypted at rest; usable once confirmed with a first code. */
export const adminSecondFactors = pgTable('admin_second_factors', {
  actor: text('actor').primaryKey(),
  encryptedSecret: text('encrypted_secret').notNull(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  /** The last accepted time step: a code is never accepted twice. */
  lastUsedStep: bigint('last_used_step', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Single-use recovery codes, stored as hashes; shown once at enrolment. */
export const adminRecoveryCodes = pgTable(
  'admin_recovery_codes',
  {
    codeHash: text('code_hash').primaryKey(),
    actor: text('actor').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('admin_recovery_codes_actor_idx').on(table.actor)],
);

/** One-time sign-in links a bot DMs to a moderator (`/admin weblogin`), stored as hashes. */
export const adminLoginTokens = pgTable('admin_login_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  actor: text('actor').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  consumedAt: timestamp('consumed_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A signed-in admin browser: the cookie holds the token, the row its hash. */
export const adminWebSessions = pgTable(
  'admin_web_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    actor: text('actor').notNull(),
    /** How the first factor was shown: `admin_key` or `bot_link`. */
    method: text('method').notNull(),
    /** Null until the TOTP code (or a recovery code) was given: pages other than enrolment refuse. */
    secondFactorAt: timestamp('second_factor_at', { withTimezone: true }),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('admin_web_sessions_actor_idx').on(table.actor)],
);
