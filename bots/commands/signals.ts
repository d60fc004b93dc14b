import type { PublishedSignal } from '../../core/signals/published-signal.js';
import { type CommandHandler, privateReply } from '../command-context.js';
import { hasDirectMessages } from '../direct-messages.js';

export const signalsActions = ['status', 'on', 'off', 'dm', 'channel', 'latest'] as const;

const describe = (signal: PublishedSignal) => ({
  label: `#${signal.sequence} ${signal.side.toUpperCase()} ${signal.instrument}`,
  value: `Entry ${signal.entry} · Stop ${signal.stop} · Targets ${signal.targets.join(', ')}${signal.note ? ` — ${signal.note}` : ''}`,
});

/** /signals on|off|dm|channel|latest: how (and whether) a member receives signals, and the latest ones. */
export const signalsCommand: CommandHandler = async ({ core, userId, actor }, args) => {
  const action = (args.action ?? 'status').toLowerCase();
  if (action === 'latest') {
    const entitlement = await core.entitlements.get(userId);
    const latest = await core.signals.latest(entitlement);
    const delay = entitlement.quotas.signal_delay_seconds ?? 0;
    const delayNote = delay > 0 ? ` Your plan sees signals ${Math.round(delay / 60)} minutes after publication.` : '';
    return privateReply(latest.length === 0 ? `No signals to show yet.${delayNote}` : `Newest first.${delayNote}`, {
      title: 'Latest signals',
      fields: latest.map(describe),
    });
  }
  const changes: Record<string, Parameters<typeof core.signals.setPreference>[1]> = {
    on: { enabled: true },
    off: { enabled: false },
    dm: { enabled: true, mode: 'dm' },
    channel: { enabled: true, mode: 'channel' },
  };
  const change = changes[action];
  if (!change && action !== 'status')
    return privateReply('Use /signals on, off, dm, channel or latest. (unknown_action)');
  const preference = change ? await core.signals.setPreference(userId, change) : await core.signals.preference(userId);
  const how = !preference.enabled
    ? 'Signals are off. /signals on turns them back on.'
    : !hasDirectMessages(actor)
      ? `Signals are on (${preference.mode === 'channel' ? 'your tier’s channel' : 'by DM'} in the chat apps). This terminal has no DMs or channels, so none are pushed here: /signals latest shows the ones your plan sees.`
      : preference.mode === 'channel'
        ? 'Signals go to your tier’s channel (by DM where your tier has none).'
        : 'Signals arrive by DM.';
  return privateReply(how, { title: 'Signals' });
};
