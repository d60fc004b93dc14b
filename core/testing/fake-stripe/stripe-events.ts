import type { FakeStripeStore, StripeObject } from './fake-stripe-store.js';
import { eventTemplate } from './fixture-templates.js';

export interface StripeEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  api_version: string | null;
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  data: { object: StripeObject & Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  [field: string]: unknown;
}

/** The API request that caused an event, as Stripe reports it; simulated customer actions have none. */
export interface EventCause {
  requestId: string;
  idempotencyKey: string | null;
}

/**
 * An event as Stripe would send it: the fixture's envelope, a fresh id, the fake's time, and a
 * snapshot of the object as it is now (later changes do not leak into events already made).
 */
export const buildEvent = (
  store: FakeStripeStore,
  type: string,
  object: StripeObject,
  options: { previousAttributes?: Record<string, unknown>; cause?: EventCause } = {},
): StripeEvent => {
  const template = eventTemplate(type);
  return {
    ...template,
    id: store.newId('evt'),
    object: 'event',
    type,
    created: store.now(),
    api_version: (template['api_version'] as string | null | undefined) ?? null,
    livemode: false,
    pending_webhooks: 1,
    request: { id: options.cause?.requestId ?? null, idempotency_key: options.cause?.idempotencyKey ?? null },
    data: {
      object: structuredClone(object),
      ...(options.previousAttributes === undefined ? {} : { previous_attributes: options.previousAttributes }),
    },
  };
};

/** Top-level fields that differ between two versions of an object, with their old values. */
export const changedAttributes = (before: StripeObject, after: StripeObject): Record<string, unknown> => {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed: Record<string, unknown> = {};
  for (const key of keys) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed[key] = before[key] ?? null;
  }
  return changed;
};
