import type { FakeObjectKind, FakeStripeStore, StripeObject } from './fake-stripe-store.js';
import type { FormFields } from './form-encoding.js';
import type { EventCause, StripeEvent } from './stripe-events.js';

/** What every endpoint handler of the fake receives and returns. */
export interface ApiRequest {
  params: Record<string, string>;
  /** The form body of a POST, the query of a GET or DELETE. */
  fields: FormFields;
  cause: EventCause;
}

export interface ApiContext {
  store: FakeStripeStore;
  /** Events Stripe would send because of this request. */
  emit(event: StripeEvent): void;
}

export type ApiList = { object: 'list'; data: StripeObject[]; has_more: boolean; url: string };
export type Handler = (request: ApiRequest, context: ApiContext) => StripeObject | ApiList;

export const list = (url: string, all: StripeObject[], limit: number | undefined): ApiList => {
  const size = Math.min(Math.max(limit ?? 10, 1), 100);
  return { object: 'list', data: all.slice(0, size), has_more: all.length > size, url };
};

export const newestFirst = <T extends StripeObject>(objects: T[]): T[] => [...objects].reverse();

export const retrieve =
  (kind: FakeObjectKind): Handler =>
  ({ params }, { store }) =>
    store.require(kind, params['id'] ?? '');
