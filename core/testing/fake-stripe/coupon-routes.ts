import type { Handler } from './api-handler.js';
import { buildCoupon } from './coupon-objects.js';
import { invalidRequest, missingParameter } from './fake-stripe-error.js';
import type { FakeCoupon, FakeStripeStore } from './fake-stripe-store.js';
import { type FormFields, formInteger, formMetadata, formRecords, formString } from './form-encoding.js';

const durations = new Set(['once', 'forever', 'repeating']);

export const createCoupon: Handler = ({ fields }, { store }) => {
  const id = formString(fields, 'id');
  if (id !== undefined && store.find('coupon', id) !== undefined) {
    throw invalidRequest('Coupon already exists.', { code: 'resource_already_exists', param: 'id' });
  }
  const duration = formString(fields, 'duration') ?? 'once';
  if (!durations.has(duration)) throw invalidRequest(`Invalid duration: ${duration}`, { param: 'duration' });
  const percentOff = formInteger(fields, 'percent_off') ?? null;
  const amountOff = formInteger(fields, 'amount_off') ?? null;
  const currency = formString(fields, 'currency')?.toLowerCase() ?? null;
  if ((percentOff === null) === (amountOff === null)) {
    throw invalidRequest('You must pass exactly one of `amount_off` and `percent_off`.', { param: 'amount_off' });
  }
  if (percentOff !== null && (percentOff <= 0 || percentOff > 100)) {
    throw invalidRequest('Invalid percent_off: must be greater than 0 and at most 100', { param: 'percent_off' });
  }
  if (amountOff !== null && currency === null) throw missingParameter('currency');
  const durationInMonths = formInteger(fields, 'duration_in_months') ?? null;
  if (duration === 'repeating' && durationInMonths === null) throw missingParameter('duration_in_months');
  if (duration !== 'repeating' && durationInMonths !== null) {
    throw invalidRequest('`duration_in_months` can only be set when `duration` is `repeating`.', {
      param: 'duration_in_months',
    });
  }
  return store.put(
    'coupon',
    buildCoupon(store, {
      id,
      name: formString(fields, 'name') ?? null,
      percent_off: percentOff,
      amount_off: amountOff,
      currency: amountOff === null ? null : currency,
      duration: duration as FakeCoupon['duration'],
      duration_in_months: durationInMonths,
      max_redemptions: formInteger(fields, 'max_redemptions') ?? null,
      metadata: formMetadata(fields) ?? {},
    }),
  );
};

/** The coupon a checkout session is created with (`discounts[0][coupon]`), refused as Stripe would. */
export const checkoutCoupon = (fields: FormFields, store: FakeStripeStore, currency: string | null) => {
  const discounts = formRecords(fields, 'discounts');
  if (discounts.length === 0) return undefined;
  if (discounts.length > 1) throw invalidRequest('You may only specify one discount.', { param: 'discounts' });
  const couponId = formString(discounts[0] ?? {}, 'coupon');
  if (couponId === undefined) throw missingParameter('discounts[0][coupon]');
  const coupon = store.require('coupon', couponId, 'discounts[0][coupon]');
  const exhausted = coupon.max_redemptions !== null && coupon.times_redeemed >= coupon.max_redemptions;
  if (!coupon.valid || exhausted) {
    throw invalidRequest(`This coupon (${coupon.id}) is no longer valid.`, {
      code: 'coupon_expired',
      param: 'discounts[0][coupon]',
    });
  }
  if (coupon.currency !== null && coupon.currency !== currency) {
    throw invalidRequest(`The coupon's currency must match the checkout's currency.`, {
      param: 'discounts[0][coupon]',
    });
  }
  return coupon;
};
