import { z } from 'zod';
import { accessResourceInput } from '../../../core/access/plan-access-resources.js';
import { createPlanSchema, updatePlanSchema } from '../../../core/catalog/plan-schemas.js';
import { isAppError } from '../../../core/errors.js';
import { createPromotionSchema } from '../../../core/promotions/promotion-schemas.js';

/**
 * The plan pages' forms, read into the same inputs the JSON admin API takes (core's schemas
 * decide what is valid; these only turn form strings into numbers, lists and booleans).
 */

/** A refusal a page shows above its forms: a readable message and the stable code. */
export interface FormRefusal {
  message: string;
  code: string;
  status: number;
}

/** Bad form input (the shape core's schema refused), as the JSON API would call it. */
export class FormInputError extends Error {}

const formBody = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
type FormBody = z.infer<typeof formBody>;

const bodyOf = (body: unknown): FormBody => formBody.catch({}).parse(body ?? {});
const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
const every = (value: string | string[] | undefined) => (Array.isArray(value) ? value : value ? [value] : []);
const optional = <T>(value: string, read: (text: string) => T) => (value === '' ? undefined : read(value));

/** A whole number typed in a field; anything else stays a string for the schema to refuse by name. */
const wholeNumber = (text: string): number | string => (/^\d+$/.test(text) ? Number(text) : text);

/** Digits after the point in `currency` (usd 2, jpy 0), as core/formatting.ts prints them. */
function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    throw new FormInputError(`currency: "${currency}" is not a currency code such as usd or eur`);
  }
}

/** "49", "49.5" or "49.00" in `currency` to integer minor units; refuses more decimals than the currency has. */
export function minorUnits(text: string, currency: string, field: string): number {
  const digits = minorDigits(currency);
  const match = /^(\d{1,9})(?:[.,](\d+))?$/.exec(text.replace(/^[^\d]+/, ''));
  if (!match || (match[2] ?? '').length > digits)
    throw new FormInputError(
      `${field}: "${text}" is not an amount in ${currency.toUpperCase()} (up to ${digits} decimals, no thousands separators)`,
    );
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
}

/** Features are written one per line (or separated by commas). */
const featureList = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((feature) => feature.trim())
    .filter(Boolean);

export const quotaFieldPrefix = 'quota_';

/** `quota_<name>` fields, plus one new quota; an emptied field drops that quota. */
function quotasOf(body: FormBody): Record<string, number | string> {
  const quotas: Record<string, number | string> = {};
  for (const [field, value] of Object.entries(body)) {
    if (!field.startsWith(quotaFieldPrefix)) continue;
    const amount = single(value);
    if (amount !== '') quotas[field.slice(quotaFieldPrefix.length)] = wholeNumber(amount);
  }
  const newName = single(body.new_quota_name);
  const newAmount = single(body.new_quota_value);
  if (newName !== '' || newAmount !== '') quotas[newName] = wholeNumber(newAmount);
  return quotas;
}

/** Throws FormInputError naming each refused field. */
function parsed<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new FormInputError(
    result.error.issues.map((issue) => `${issue.path.join('.') || 'form'}: ${issue.message}`).join('; '),
  );
}

const intervals = ['month', 'year', 'one_time'] as const;

export function readCreatePlanForm(input: unknown, defaultCurrency: string) {
  const body = bodyOf(input);
  const currency = single(body.currency) || defaultCurrency;
  const prices = intervals.flatMap((interval) => {
    const amount = single(body[`${interval}_amount`]);
    return amount === ''
      ? []
      : [{ interval, amount_minor: minorUnits(amount, currency, `${interval} price`), currency }];
  });
  // The plan pages live at /admin/catalog/<id>: this id would be the promo codes page's address.
  if (single(body.id) === 'promotions') throw new FormInputError('id: "promotions" is taken by the promo codes page');
  return parsed(createPlanSchema, {
    id: single(body.id),
    kind: single(body.kind),
    name: single(body.name),
    description: single(body.description),
    rank: optional(single(body.rank), wholeNumber),
    features: featureList(single(body.features)),
    quotas: quotasOf(body),
    contact_sales: single(body.contact_sales) === 'on',
    prices,
  });
}

export function readEditPlanForm(input: unknown) {
  const body = bodyOf(input);
  return parsed(updatePlanSchema, {
    name: single(body.name),
    description: single(body.description),
    rank: wholeNumber(single(body.rank)),
    features: featureList(single(body.features)),
    quotas: quotasOf(body),
    contact_sales: single(body.contact_sales) === 'on',
  });
}

/** A new price version for one interval and currency. */
export function readPriceForm(input: unknown, defaultCurrency: string) {
  const body = bodyOf(input);
  const currency = single(body.currency) || defaultCurrency;
  const amount = single(body.amount);
  if (amount === '') throw new FormInputError('amount: enter the new price');
  return parsed(updatePlanSchema, {
    prices: [
      {
        interval: single(body.interval),
        amount_minor: minorUnits(amount, currency, 'amount'),
        currency,
        access_days: optional(single(body.access_days), wholeNumber) ?? null,
      },
    ],
  });
}

export const readArchiveForm = (input: unknown) => ({ active: single(bodyOf(input).active) === 'true' });

export function readAccessResourceForm(input: unknown) {
  const body = bodyOf(input);
  return parsed(accessResourceInput, {
    kind: single(body.kind),
    scope_id: single(body.scope_id),
    resource_id: single(body.resource_id),
    label: single(body.label),
  });
}

export function readPromotionForm(input: unknown, defaultCurrency: string) {
  const body = bodyOf(input);
  const percent = single(body.discount) === 'percent';
  const value = single(body.discount_value);
  if (value === '') throw new FormInputError('discount_value: enter the discount');
  const currency = single(body.currency) || defaultCurrency;
  const expiresOn = single(body.expires_on);
  // A date that does not exist (2027-02-31) parses as a later one, so it must read back unchanged.
  const day = Date.parse(`${expiresOn}T00:00:00Z`);
  if (expiresOn !== '' && !(Number.isFinite(day) && new Date(day).toISOString().slice(0, 10) === expiresOn))
    throw new FormInputError('expires_on: a date such as 2027-01-31');
  return parsed(createPromotionSchema, {
    code: single(body.code),
    ...(percent
      ? { percent_off: wholeNumber(value) }
      : { amount_off_minor: minorUnits(value, currency, 'discount_value'), currency }),
    duration: single(body.duration) || 'once',
    duration_in_months: optional(single(body.duration_in_months), wholeNumber),
    plan_ids: every(body.plan_ids),
    max_redemptions: optional(single(body.max_redemptions), wholeNumber),
    // The code works through the whole of the day given (UTC).
    expires_at:
      expiresOn === '' ? undefined : new Date(Date.parse(`${expiresOn}T00:00:00Z`) + 86_400_000).toISOString(),
  });
}

/** Bad input or a core refusal (4xx) becomes a refusal the page shows; anything else is rethrown. */
export function refusalOf(error: unknown): FormRefusal {
  if (error instanceof FormInputError) return { message: error.message, code: 'invalid_request', status: 400 };
  if (isAppError(error) && error.status < 500)
    return { message: error.message, code: error.code, status: error.status };
  throw error;
}
