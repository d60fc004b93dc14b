import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Core } from '../../../core/index.js';

const objectId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[A-Za-z0-9]+$`));

/**
 * Drive the offline lifecycle: what time, a bank or a member would do at a real provider.
 * Each action makes the sandbox send its signed webhooks through the normal inbox.
 */
export async function adminSandboxRoutes(app: FastifyInstance, core: Core, requireAdmin: preHandlerAsyncHookHandler) {
  const sandbox = core.sandbox;
  if (!sandbox) return;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const options = <Params extends z.ZodObject>(summary: string, params: Params) => ({
    preHandler: requireAdmin,
    schema: { tags: ['sandbox'], summary, security: [{ adminKey: [] }], params },
  });
  const optionsWithBody = <Params extends z.ZodObject, Body extends z.ZodType>(
    summary: string,
    params: Params,
    body: Body,
  ) => ({ preHandler: requireAdmin, schema: { ...options(summary, params).schema, body } });
  const subscription = z.object({ subscription_id: objectId('sbx_sub_') });
  const payment = z.object({ payment_id: objectId('sbx_pay_') });
  const sent = (eventIds: string[]) => ({ sent_event_ids: eventIds });

  typed.get(
    '/admin/sandbox/objects',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['sandbox'],
        summary: "The sandbox provider's own records (checkouts, subscriptions, payments...).",
        security: [{ adminKey: [] }],
        querystring: z.object({
          kind: z.enum(['customer', 'checkout', 'subscription', 'payment', 'refund', 'dispute', 'event']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
    },
    async (request) => ({ objects: await sandbox.listObjects(request.query.kind, request.query.limit) }),
  );

  typed.post(
    '/admin/sandbox/subscriptions/:subscription_id/renew',
    options('Bill the next period (ends it instead when set to cancel at period end).', subscription),
    async (request) => sent(await sandbox.renewSubscription(request.params.subscription_id)),
  );
  typed.post(
    '/admin/sandbox/subscriptions/:subscription_id/fail-payment',
    options('The next charge fails: the subscription goes past due.', subscription),
    async (request) => sent(await sandbox.failPayment(request.params.subscription_id)),
  );
  typed.post(
    '/admin/sandbox/subscriptions/:subscription_id/recover-payment',
    options('The overdue charge succeeds: active again.', subscription),
    async (request) => sent(await sandbox.recoverPayment(request.params.subscription_id)),
  );
  typed.post(
    '/admin/sandbox/subscriptions/:subscription_id/end',
    options('End the subscription now.', subscription),
    async (request) => sent(await sandbox.endSubscription(request.params.subscription_id)),
  );
  typed.post(
    '/admin/sandbox/payments/:payment_id/refund',
    optionsWithBody(
      'Refund a sandbox payment (all of what is left when no amount is given).',
      payment,
      // No body at all (Fastify hands the validator null) refunds everything left, as `{}` does.
      z.object({ amount_minor: z.number().int().min(1).optional() }).nullish(),
    ),
    async (request) => sent(await sandbox.refundPayment(request.params.payment_id, request.body?.amount_minor ?? null)),
  );
  typed.post(
    '/admin/sandbox/payments/:payment_id/dispute',
    options('The card holder disputes the payment.', payment),
    async (request) => sent(await sandbox.openDispute(request.params.payment_id)),
  );
  typed.post(
    '/admin/sandbox/disputes/:dispute_id/close',
    optionsWithBody(
      'The bank decides the dispute.',
      z.object({ dispute_id: objectId('sbx_dp_') }),
      z.object({ outcome: z.enum(['won', 'lost']) }),
    ),
    async (request) => sent(await sandbox.closeDispute(request.params.dispute_id, request.body.outcome)),
  );
}
