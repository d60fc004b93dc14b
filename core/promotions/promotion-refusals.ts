import { badRequest, conflict, notFound } from '../errors.js';

/** Why a promo code cannot be used, each with the stable code clients and members see. */
export const promotionRefusals = {
  unknown: (code: string) => notFound('code_unknown', `"${code}" is not a code we know.`),
  disabled: (code: string) => badRequest('promo_disabled', `Promo code ${code} is no longer offered.`, { code }),
  expired: (code: string) => badRequest('promo_expired', `Promo code ${code} has expired.`, { code }),
  exhausted: (code: string) =>
    conflict('promo_exhausted', `Promo code ${code} has been used as many times as it may be.`, { code }),
  alreadyRedeemed: (code: string) =>
    conflict('promo_already_redeemed', `You have already used promo code ${code}.`, { code }),
  notForPlan: (code: string, planId: string) =>
    badRequest('promo_not_for_plan', `Promo code ${code} does not apply to the ${planId} plan.`, {
      code,
      plan_id: planId,
    }),
  currencyMismatch: (code: string, currency: string) =>
    badRequest('promo_currency_mismatch', `Promo code ${code} takes an amount off in another currency.`, {
      code,
      currency,
    }),
  codeTaken: (code: string) =>
    conflict('code_taken', `"${code}" is already a referral or promo code; choose another.`, { code }),
};
