import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { plans } from './catalog.js';
import { users } from './users.js';

/**
 * A chat resource a plan grants: a Discord role in a guild, a Telegram chat or channel, a
 * Slack private channel. Holding a tier also grants the resources of every lower tier.
 */
export const planAccessResources = pgTable(
  'plan_access_resources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    /** `discord_role`, `telegram_chat` or `slack_channel`: selects the grant/revoke strategy. */
    kind: text('kind').notNull(),
    /** Discord guild id for roles; empty where the resource id alone is global. */
    scopeId: text('scope_id').notNull().default(''),
    /** Role id, chat id (-100...), channel id (C...). */
    resourceId: text('resource_id').notNull(),
    /** Shown to members and moderators, e.g. `#pro-signals`. */
    label: text('label').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('plan_access_resources_unique').on(table.planId, table.kind, table.scopeId, table.resourceId),
  ],
);

/**
 * What the reconciler last did for one (identity, resource): the platform stays the truth
 * for who holds what, this row remembers pending invites, failures and when to try again.
 */
export const accessAssignments = pgTable(
  'access_assignments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    platform: text('platform').notNull(),
    externalId: text('external_id').notNull(),
    kind: text('kind').notNull(),
    scopeId: text('scope_id').notNull().default(''),
    resourceId: text('resource_id').notNull(),
    /** `granted`, `invited` (Telegram link sent), `revoked`, `waiting_member` (not in the guild/workspace), `failed`. */
    state: text('state').notNull(),
    /** Invite link and its expiry, last platform answer. */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    /** Stable code of the last failure, e.g. `platform_permission_missing`. */
    lastErrorCode: text('last_error_code'),
    /** True when the last failure needs a person (permission, role order), not a retry. */
    needsPerson: boolean('needs_person').notNull().default(false),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('access_assignments_unique').on(
      table.platform,
      table.externalId,
      table.kind,
      table.scopeId,
      table.resourceId,
    ),
    index('access_assignments_user_idx').on(table.userId),
  ],
);
