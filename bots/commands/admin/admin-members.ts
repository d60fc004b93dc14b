import { type CommandHandler, privateReply } from '../../command-context.js';
import { describeStatus, formatDate, formatMoney } from '../../reply-format.js';
import { describeMemberStanding, describePlanAndState } from './member-standing.js';

/** /admin grant <member> <plan> <days> */
export const adminGrant: CommandHandler = async ({ core, actor, actorTag }, args) => {
  const userId = await core.members.resolve(args.member ?? '', actor.platform);
  const days = Number(args.days);
  if (!Number.isInteger(days) || days < 1 || days > 3650)
    return privateReply('Days must be a whole number from 1 to 3650. (invalid_days)');
  const grant = await core.grants.grant(
    {
      userId,
      planId: (args.plan ?? '').toLowerCase(),
      days,
      expiresAt: null,
      reason: `granted from ${actor.platform}`,
    },
    actorTag,
  );
  return privateReply(
    `Granted **${grant.plan_id}** until ${formatDate(grant.expires_at)}. Access follows within seconds.`,
  );
};

/**
 * /admin revoke <member>: ends every manual grant and, when the member still has paid
 * access, freezes it; the payment itself is left to /admin refund.
 */
export const adminRevoke: CommandHandler = async ({ core, actor, actorTag }, args) => {
  const userId = await core.members.resolve(args.member ?? '', actor.platform);
  const grants = await core.grants.list(userId);
  let revoked = 0;
  for (const grant of grants) {
    if (grant.revoked_at) continue;
    await core.grants.revoke(grant.id, 'revoked by a moderator', actorTag);
    revoked += 1;
  }
  let entitlement = await core.entitlements.get(userId);
  let froze = false;
  if (entitlement.tier !== 'free') {
    await core.freezes.freeze({ userId, reason: 'revoked by a moderator' }, actorTag);
    froze = true;
    entitlement = await core.entitlements.get(userId);
  }
  const plan = await core.catalog.getPlan(entitlement.tier);
  return privateReply(
    `Revoked ${revoked} grant(s)${froze ? ' and froze paid access' : ''}. Now: ${describePlanAndState(plan.name, entitlement.status, describeStatus)}.`,
  );
};

/** /admin lookup <member>: plan, state, payments, identities and access per platform. */
export const adminLookup: CommandHandler = async ({ core, actor }, args) => {
  const userId = await core.members.resolve(args.member ?? '', actor.platform);
  const found = await core.members.lookup(userId);
  const payments = found.payments
    .map(
      (payment) =>
        `\`${payment.id}\` ${formatMoney(payment.amountMinor, payment.currency)} ${formatDate(payment.paidAt)}` +
        (payment.amountRefundedMinor > 0
          ? ` (refunded ${formatMoney(payment.amountRefundedMinor, payment.currency)})`
          : '') +
        (payment.disputeStatus ? ` (dispute: ${payment.disputeStatus})` : ''),
    )
    .join('\n');
  const access = found.access
    .map(
      (row) =>
        `${row.platform} ${row.kind} ${row.resourceId}: ${row.state}${row.lastErrorCode ? ` (${row.lastErrorCode})` : ''}`,
    )
    .join('\n');
  const plan = await core.catalog.getPlan(found.entitlement.tier);
  // Access from a grant of the tier they hold, in force now, rather than from a payment.
  const granted = (await core.grants.inForce(userId)).some((grant) => grant.plan_id === found.entitlement.tier);
  return privateReply(describeMemberStanding(found.entitlement, plan.name, granted), {
    title: `Member ${found.user.displayName ?? found.user.email ?? found.user.id}`,
    fields: [
      { label: 'User id', value: found.user.id },
      { label: 'Plan', value: describePlanAndState(plan.name, found.entitlement.status, describeStatus) },
      {
        label: 'Identities',
        value:
          found.identities
            .map(
              (identity) =>
                `${identity.platform}:${identity.externalId}${identity.username ? ` (${identity.username})` : ''}`,
            )
            .join(', ') || '—',
      },
      { label: 'Payments', value: payments || '—' },
      { label: 'Access', value: access || '—' },
    ],
  });
};
