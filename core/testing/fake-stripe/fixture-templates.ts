import { existsSync } from 'node:fs';
import { fixturePath, readJsonFixture } from '../fixtures.js';

/**
 * The fake's objects and events start from Stripe's own published fixtures, so every field a
 * client might read exists with Stripe's shape; the fake only overrides what its state decides.
 */
const cache = new Map<string, unknown>();

const load = (...parts: string[]): unknown => {
  const key = parts.join('/');
  if (!cache.has(key)) cache.set(key, readJsonFixture(...parts));
  return structuredClone(cache.get(key));
};

/** A fresh copy of `objects/<name>.json`, e.g. `subscription`, `checkout.session`. */
export const objectTemplate = (name: string): Record<string, unknown> =>
  load('stripe', 'objects', `${name}.json`) as Record<string, unknown>;

/**
 * A fresh copy of the event envelope for a type (`events/<type>.json`). Types without their own
 * fixture share the envelope of a sibling; envelopes do not differ by type.
 */
export const eventTemplate = (type: string): Record<string, unknown> => {
  const own = ['stripe', 'events', `${type}.json`];
  return (existsSync(fixturePath(...own)) ? load(...own) : objectTemplate('event')) as Record<string, unknown>;
};
