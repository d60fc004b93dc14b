import { type Platform, platforms } from './user-service.js';

export type ActorPlatform = 'discord' | 'telegram' | 'slack' | 'console';

/** What a moderator typed to name a member, once understood. */
export type MemberReference =
  | { kind: 'user'; userId: string }
  | { kind: 'email'; email: string }
  | { kind: 'identity'; platform: Platform; externalId: string }
  | { kind: 'username'; platform: Platform | null; username: string };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const discordMention = /^<@!?(\d{1,25})>$/;
const slackMention = /^<@([UW][A-Z0-9]{2,30})(?:\|[^>]*)?>$/;
const emailPattern = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const prefixed = /^([a-z]+):(\S+)$/;

/**
 * Reads a user uuid, an email, a Discord mention (`<@123>`, `<@!123>`), a Slack mention
 * (`<@U123>`, `<@U123|name>`), `@username` or a bare id on the moderator's own platform,
 * or `platform:id`. On the console (the terminal shop) a bare id is a console member's name,
 * and `@username` is looked up on every platform.
 */
export function parseMemberReference(input: string, actorPlatform: ActorPlatform): MemberReference | undefined {
  const reference = input.trim();
  if (!reference || reference.length > 320) return undefined;
  const ownPlatform = actorPlatform === 'console' ? null : actorPlatform;
  const barePlatform: Platform = actorPlatform;
  if (uuidPattern.test(reference)) return { kind: 'user', userId: reference.toLowerCase() };
  const discord = discordMention.exec(reference);
  if (discord?.[1]) return { kind: 'identity', platform: 'discord', externalId: discord[1] };
  const slack = slackMention.exec(reference);
  if (slack?.[1]) return { kind: 'identity', platform: 'slack', externalId: slack[1] };
  if (reference.startsWith('@')) {
    const username = reference.slice(1);
    return username ? { kind: 'username', platform: ownPlatform, username } : undefined;
  }
  const withPlatform = prefixed.exec(reference);
  if (withPlatform?.[1] && withPlatform[2] && (platforms as readonly string[]).includes(withPlatform[1])) {
    const platform = withPlatform[1] as Platform;
    // Email identities are stored lower-cased, like users.email.
    const externalId = platform === 'email' ? withPlatform[2].toLowerCase() : withPlatform[2];
    return { kind: 'identity', platform, externalId };
  }
  if (emailPattern.test(reference)) return { kind: 'email', email: reference.toLowerCase() };
  if (/^[A-Za-z0-9_.-]{1,64}$/.test(reference))
    return { kind: 'identity', platform: barePlatform, externalId: reference };
  return undefined;
}
