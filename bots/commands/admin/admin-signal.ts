import { createHash } from 'node:crypto';
import { chatPlatformNames } from '../../../core/ports/chat-platform.js';
import { type CommandHandler, privateReply } from '../../command-context.js';

/**
 * /admin signal <instrument> <long|short> <entry> <stop> <targets> [note]: publishes from the
 * chat. The idempotency key is the moderator, the fields and the minute, so a platform that
 * redelivers the same command publishes it once.
 */
export const adminSignal: CommandHandler = async ({ core, actorTag }, args) => {
  const fields = {
    instrument: args.instrument ?? '',
    side: (args.side ?? '').toLowerCase(),
    entry: args.entry ?? '',
    stop: args.stop ?? '',
    targets: (args.targets ?? '')
      .split(',')
      .map((target) => target.trim())
      .filter(Boolean),
    note: args.note ?? null,
  };
  const minute = Math.floor(core.clock.now().getTime() / 60_000);
  const idempotencyKey = `bot:${createHash('sha256')
    .update(JSON.stringify([actorTag, fields, minute]))
    .digest('hex')}`;
  const { signal, created } = await core.signals.publish({ ...fields, idempotency_key: idempotencyKey }, actorTag);
  return privateReply(
    `${created ? 'Published' : 'Already published'} signal #${signal.sequence}: ${signal.side.toUpperCase()} ${signal.instrument}, entry ${signal.entry}, stop ${signal.stop}, targets ${signal.targets.join(', ')}. Fan-out by tier has started.`,
    { title: 'Signal', fields: [{ label: 'Hash', value: signal.hash.slice(0, 16) }] },
  );
};

/** /admin signalchannel [plan] [platform] [channel|off]: where each tier’s signals are posted. */
export const adminSignalChannel: CommandHandler = async ({ core }, args) => {
  if (!args.plan) {
    const channels = await core.signals.channels.list();
    return privateReply(channels.length === 0 ? 'No tier channels yet.' : `${channels.length} tier channels.`, {
      title: 'Signal channels',
      fields: channels.map((row) => ({ label: `${row.planId} on ${row.platform}`, value: row.channelId })),
    });
  }
  const platform = (args.platform ?? '').toLowerCase();
  if (!(chatPlatformNames as readonly string[]).includes(platform))
    return privateReply(`Give the platform: ${chatPlatformNames.join(', ')}. (unknown_platform)`);
  const plan = await core.catalog.getPlan(args.plan.toLowerCase());
  if (!args.channel) return privateReply('Give the channel id, or off. (channel_id_required)');
  if (args.channel.toLowerCase() === 'off') {
    const removed = await core.signals.channels.remove(plan.id, platform);
    return privateReply(removed ? `${plan.name} signals are no longer posted on ${platform}.` : 'Nothing to remove.');
  }
  await core.signals.channels.set({ planId: plan.id, platform, channelId: args.channel });
  return privateReply(`${plan.name} signals are posted to ${args.channel} on ${platform}.`);
};
