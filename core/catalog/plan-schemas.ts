import { z } from 'zod';
import { edgeText } from '../validation/edge-text.js';

const planId = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, 'lower-case letters, digits and _; 2-40 characters, starting with a letter');
const featureList = z.array(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/)).max(100);
const quotaMap = z.record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), z.number().int().min(0).max(1_000_000_000));
export const intervalSchema = z.enum(['month', 'year', 'one_time']);
const currency = z
  .string()
  .regex(/^[a-zA-Z]{3}$/)
  .transform((value) => value.toLowerCase());

export const priceInputSchema = z.object({
  interval: intervalSchema,
  amount_minor: z.number().int().min(0).max(100_000_000),
  currency: currency.optional(),
  access_days: z.number().int().min(1).max(36_500).nullable().optional(),
});

export const createPlanSchema = z.object({
  id: planId,
  kind: z.enum(['tier', 'addon']),
  name: edgeText().min(1).max(80),
  description: edgeText().max(500).default(''),
  rank: z.number().int().min(0).max(1000).default(0),
  features: featureList.default([]),
  quotas: quotaMap.default({}),
  contact_sales: z.boolean().default(false),
  prices: z.array(priceInputSchema).max(10).default([]),
});

export const updatePlanSchema = z
  .object({
    name: edgeText().min(1).max(80),
    description: edgeText().max(500),
    rank: z.number().int().min(0).max(1000),
    features: featureList,
    quotas: quotaMap,
    contact_sales: z.boolean(),
    active: z.boolean(),
    /** A new price version per entry; existing subscribers keep the version they bought. */
    prices: z.array(priceInputSchema).max(10),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

export type CreatePlanInput = z.output<typeof createPlanSchema>;
export type UpdatePlanInput = z.output<typeof updatePlanSchema>;
export type PriceInput = z.output<typeof priceInputSchema>;
