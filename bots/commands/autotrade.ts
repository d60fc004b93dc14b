import type { AutotradeStatus } from '../../core/autotrade/autotrade-accounts.js';
import { signedMoney } from '../../core/autotrade/signed-money.js';
import { formatMoney } from '../../core/formatting.js';
import { type CommandHandler, privateReply } from '../command-context.js';

const shownPositions = 5;

function describePosition(position: AutotradeStatus['positions'][number]) {
  const head = `${position.side.toUpperCase()} ${position.instrument} @ ${position.entry}`;
  const money = (amount: number) => signedMoney(amount, position.currency);
  switch (position.status) {
    case 'pending':
      return `${head}: waiting for the entry`;
    case 'open':
      return `${head}: open, ${position.targetsHit}/${position.targets.length} targets, realised ${money(position.realisedPnlMinor)}, unrealised ${money(position.unrealisedPnlMinor)}`;
    case 'closed':
      return `${head}: closed at the ${position.closeReason === 'stop' ? 'stop' : 'targets'}, ${money(position.realisedPnlMinor)}`;
    default:
      return `${head}: ${position.status}, never filled`;
  }
}

function statusReply(status: AutotradeStatus) {
  const { account } = status;
  if (!account)
    return privateReply(
      'You have no paper account yet. Send /autotrade on to follow the signals with one (Pro and above).',
    );
  const money = (amount: number) => formatMoney(amount, account.currency);
  const state = status.following
    ? 'on: following new signals'
    : account.enabled
      ? 'paused: your plan no longer includes it'
      : 'off';
  const recent = status.positions.slice(0, shownPositions).map(describePosition);
  return privateReply(recent.length ? recent.join('\n') : 'No positions yet: the next signal opens one.', {
    title: 'Your paper account',
    fields: [
      { label: 'Autotrade', value: state },
      { label: 'Balance', value: money(account.balanceMinor) },
      { label: 'Realised PnL', value: signedMoney(account.realisedPnlMinor, account.currency) },
      { label: 'Unrealised PnL', value: signedMoney(status.unrealisedPnlMinor, account.currency) },
      { label: 'Equity', value: money(status.equityMinor ?? account.balanceMinor) },
      { label: 'Positions', value: `${status.openPositions} open, ${status.pendingOrders} waiting for entry` },
    ],
  });
}

/** /autotrade on|off|status: the member's paper account that follows the signals. */
export const autotradeCommand: CommandHandler = async ({ core, userId }, args) => {
  const action = args.action?.toLowerCase() ?? 'status';
  if (action === 'on') {
    const account = await core.autotrade.enable(userId);
    return privateReply(
      `Autotrade sandbox is on. Your paper account follows every new signal with ${formatMoney(account.positionNotionalMinor, account.currency)} per position. Balance: ${formatMoney(account.balanceMinor, account.currency)}.`,
    );
  }
  if (action === 'off') {
    const { account, canceledOrders } = await core.autotrade.disable(userId);
    if (!account) return privateReply('Autotrade was not on; nothing changed.');
    return privateReply(
      `Autotrade sandbox is off: new signals are not followed. ${canceledOrders} unfilled order${canceledOrders === 1 ? '' : 's'} canceled; open positions still close at their stop or targets.`,
    );
  }
  if (action === 'status') return statusReply(await core.autotrade.status(userId));
  return privateReply('Use /autotrade on, off or status. (invalid_argument)');
};
