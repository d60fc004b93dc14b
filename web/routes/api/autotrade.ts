import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AutotradeAccount, AutotradeStatus } from '../../../core/autotrade/autotrade-accounts.js';
import type { Core } from '../../../core/index.js';
import { actingUserId, type CallerAuth } from '../../caller-auth.js';

const accountSchema = z.object({
  id: z.uuid(),
  enabled: z.boolean(),
  currency: z.string(),
  starting_balance_minor: z.number().int(),
  balance_minor: z.number().int(),
  realised_pnl_minor: z.number().int(),
  position_notional_minor: z.number().int(),
});

const positionSchema = z.object({
  id: z.uuid(),
  signal_id: z.string(),
  instrument: z.string(),
  side: z.enum(['long', 'short']),
  status: z.enum(['pending', 'open', 'closed', 'expired', 'canceled']),
  close_reason: z.string().nullable(),
  entry: z.string(),
  stop: z.string(),
  targets: z.array(z.string()),
  targets_hit: z.number().int(),
  quantity: z.string(),
  remaining_quantity: z.string(),
  notional_minor: z.number().int(),
  currency: z.string(),
  realised_pnl_minor: z.number().int(),
  unrealised_pnl_minor: z.number().int(),
  last_price: z.string().nullable(),
  opened_at: z.string().nullable(),
  closed_at: z.string().nullable(),
});

const statusSchema = z.object({
  user_id: z.uuid(),
  following: z.boolean(),
  account: accountSchema.nullable(),
  unrealised_pnl_minor: z.number().int(),
  equity_minor: z.number().int().nullable(),
  open_positions: z.number().int(),
  pending_orders: z.number().int(),
  positions: z.array(positionSchema),
});

const accountView = (account: AutotradeAccount) => ({
  id: account.id,
  enabled: account.enabled,
  currency: account.currency,
  starting_balance_minor: account.startingBalanceMinor,
  balance_minor: account.balanceMinor,
  realised_pnl_minor: account.realisedPnlMinor,
  position_notional_minor: account.positionNotionalMinor,
});

const statusView = (status: AutotradeStatus): z.infer<typeof statusSchema> => ({
  user_id: status.userId,
  following: status.following,
  account: status.account ? accountView(status.account) : null,
  unrealised_pnl_minor: status.unrealisedPnlMinor,
  equity_minor: status.equityMinor,
  open_positions: status.openPositions,
  pending_orders: status.pendingOrders,
  positions: status.positions.map((position) => ({
    id: position.id,
    signal_id: position.signalId,
    instrument: position.instrument,
    side: position.side,
    status: position.status,
    close_reason: position.closeReason,
    entry: position.entry,
    stop: position.stop,
    targets: position.targets,
    targets_hit: position.targetsHit,
    quantity: position.quantity,
    remaining_quantity: position.remainingQuantity,
    notional_minor: position.notionalMinor,
    currency: position.currency,
    realised_pnl_minor: position.realisedPnlMinor,
    unrealised_pnl_minor: position.unrealisedPnlMinor,
    last_price: position.lastPrice,
    opened_at: position.openedAt?.toISOString() ?? null,
    closed_at: position.closedAt?.toISOString() ?? null,
  })),
});

/** The member's paper account: look, opt in (Pro and above), opt out. */
export async function autotradeRoutes(app: FastifyInstance, core: Core, callerAuth: CallerAuth) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearer: [] }];
  const tags = ['autotrade'];
  // A member may POST with no body at all; the admin key names the user it acts for.
  const actingBody = z.object({ user_id: z.uuid().optional() }).nullish();

  typed.get(
    '/v1/autotrade',
    {
      preHandler: callerAuth.requireCaller,
      schema: {
        tags,
        summary: 'The paper account: balance, realised and unrealised PnL, recent positions.',
        security,
        querystring: z.object({
          user_id: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(20),
        }),
        response: { 200: statusSchema },
      },
    },
    async (request) =>
      statusView(
        await core.autotrade.status(actingUserId(request.caller, request.query.user_id), {
          limit: request.query.limit,
        }),
      ),
  );

  typed.post(
    '/v1/autotrade/enable',
    {
      preHandler: callerAuth.requireCaller,
      schema: {
        tags,
        summary: 'Follow new signals with a paper account (created at the starting balance). Pro and above.',
        security,
        body: actingBody,
        response: { 200: statusSchema },
      },
    },
    async (request) => {
      const userId = actingUserId(request.caller, request.body?.user_id);
      await core.autotrade.enable(userId);
      return statusView(await core.autotrade.status(userId));
    },
  );

  typed.post(
    '/v1/autotrade/disable',
    {
      preHandler: callerAuth.requireCaller,
      schema: {
        tags,
        summary: 'Stop following new signals; unfilled orders are canceled, open positions run to stop or targets.',
        security,
        body: actingBody,
        response: { 200: statusSchema.extend({ canceled_orders: z.number().int() }) },
      },
    },
    async (request) => {
      const userId = actingUserId(request.caller, request.body?.user_id);
      const { canceledOrders } = await core.autotrade.disable(userId);
      return { ...statusView(await core.autotrade.status(userId)), canceled_orders: canceledOrders };
    },
  );
}
