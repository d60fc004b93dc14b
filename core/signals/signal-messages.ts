import type { DirectMessage } from '../ports/chat-platform.js';
import type { PublishedSignal } from './published-signal.js';

/** One signal as members read it, the same text in a DM and in a tier channel. */
export function signalMessage(signal: PublishedSignal): DirectMessage {
  const lines = [
    `Signal #${signal.sequence}: ${signal.side.toUpperCase()} ${signal.instrument}`,
    `Entry ${signal.entry} · Stop ${signal.stop} · Targets ${signal.targets.join(', ')}`,
  ];
  if (signal.note) lines.push(signal.note);
  return { text: lines.join('\n') };
}

export function quotaReachedMessage(input: { limit: number; planName: string; upgradeUrl: string | undefined }) {
  const message: DirectMessage = {
    text: `You have received today’s ${input.limit} signals on ${input.planName}. More arrive tomorrow (UTC), or upgrade for a higher daily limit.`,
  };
  if (input.upgradeUrl) message.links = [{ label: 'Upgrade', url: input.upgradeUrl }];
  return message;
}
