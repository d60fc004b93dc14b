import { createHmac, randomUUID } from 'node:crypto';
import type { SandboxObjectKind } from './sandbox-objects.js';

const prefixes: Record<SandboxObjectKind, string> = {
  customer: 'sbx_cus',
  checkout: 'sbx_cs',
  subscription: 'sbx_sub',
  payment: 'sbx_pay',
  refund: 'sbx_re',
  dispute: 'sbx_dp',
  event: 'sbx_evt',
};

export const randomSandboxId = (kind: SandboxObjectKind): string =>
  `${prefixes[kind]}_${randomUUID().replaceAll('-', '').slice(0, 20)}`;

/**
 * The same key always names the same object, so "one customer per user" and "one checkout per
 * idempotency key" are enforced by the primary key, even for concurrent callers. Keyed with the
 * webhook secret so nobody can predict a checkout's URL from our own ids.
 */
export const derivedSandboxId = (kind: SandboxObjectKind, secret: string, key: string): string =>
  `${prefixes[kind]}_${createHmac('sha256', secret).update(`${kind}:${key}`).digest('hex').slice(0, 20)}`;
