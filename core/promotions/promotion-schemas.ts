import { z } from 'zod';

export const promotionDurations = ['once', 'forever', 'repeating'] as const;

const currency = z
  .string()
  .regex(/^[a-zA-Z]{3}$/)
  .transform((value) => value.toLowerCase());

/**
 * A new promo code, as moderators send it (REST body and the chat command). Exactly one of
 * percent_off and amount_off_minor; `repeating` needs its months. The database checks the
 * same rules, so a row that breaks them cannot exist whichever way it was written.
 */
export const createPromotionSchema = z
  .object({
    code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -; up to 64 characters'),
    percent_off: z.number().int().min(1).max(100).optional(),
    amount_off_minor: z.number().int().min(1).max(100_000_000).optional(),
    /** Of amount_off_minor; the shop's default currency when left out. */
    currency: currency.optional(),
    duration: z.enum(promotionDurations).default('once'),
    duration_in_months: z.number().int().min(1).max(120).optional(),
    /** Tier plan ids; empty or left out: every tier. */
    plan_ids: z
      .array(z.string().regex(/^[a-z][a-z0-9_]{1,39}$/))
      .max(50)
      .default([]),
    max_redemptions: z.number().int().min(1).max(10_000_000).optional(),
    expires_at: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((value) => (value.percent_off === undefined) !== (value.amount_off_minor === undefined), {
    message: 'give exactly one of percent_off and amount_off_minor',
    path: ['percent_off'],
  })
  .refine((value) => value.percent_off === undefined || value.currency === undefined, {
    message: 'currency goes with amount_off_minor only',
    path: ['currency'],
  })
  .refine((value) => (value.duration === 'repeating') === (value.duration_in_months !== undefined), {
    message: 'duration_in_months is required for repeating, and only for repeating',
    path: ['duration_in_months'],
  });

export type CreatePromotionInput = z.output<typeof createPromotionSchema>;

/** What moderators see of a promotion (REST answers and the chat list). */
export const promotionViewSchema = z.object({
  code: z.string(),
  description: z.string(),
  percent_off: z.number().nullable(),
  amount_off_minor: z.number().nullable(),
  currency: z.string().nullable(),
  duration: z.enum(promotionDurations),
  duration_in_months: z.number().nullable(),
  plan_ids: z.array(z.string()),
  max_redemptions: z.number().nullable(),
  redemptions: z.number(),
  expires_at: z.string().nullable(),
  active: z.boolean(),
  created_by: z.string(),
  created_at: z.string(),
  disabled_at: z.string().nullable(),
});

export type PromotionView = z.infer<typeof promotionViewSchema>;
