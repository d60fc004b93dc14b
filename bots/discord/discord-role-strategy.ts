import { type REST, Routes } from 'discord.js';
import type { AccessResource, AccessStrategy, GrantOutcome } from '../../core/ports/chat-platform.js';
import { discordErrorCode, isDiscordErrorCode, toPlatformError } from './discord-errors.js';

interface GuildMemberRoles {
  roles: string[];
}

/** Shown in the guild's audit log next to every role change the bot makes. */
const auditReason = 'Paid plan access (community monetization)';

/**
 * `discord_role`: a paid plan's role in one guild. Every call is one REST request, and each is
 * idempotent: Discord answers 204 to adding a role already held or removing one already gone.
 */
export function createDiscordRoleStrategy(rest: REST): AccessStrategy {
  const notMember = (error: unknown) =>
    isDiscordErrorCode(error, discordErrorCode.unknownMember, discordErrorCode.unknownUser);

  return {
    kind: 'discord_role',

    async read(externalId: string, resource: AccessResource) {
      try {
        const member = (await rest.get(Routes.guildMember(resource.scopeId, externalId))) as GuildMemberRoles;
        return member.roles.includes(resource.resourceId) ? 'held' : 'absent';
      } catch (error) {
        if (notMember(error)) return 'not_in_scope';
        throw toPlatformError(error, `reading the roles of ${externalId} in guild ${resource.scopeId}`);
      }
    },

    async grant(externalId: string, resource: AccessResource): Promise<GrantOutcome> {
      try {
        await rest.put(Routes.guildMemberRole(resource.scopeId, externalId, resource.resourceId), {
          reason: auditReason,
        });
        return { result: 'granted' };
      } catch (error) {
        // Not in the guild yet: the join event brings a reconcile that grants it then.
        if (notMember(error)) return { result: 'not_in_scope' };
        throw toPlatformError(error, `granting role ${resource.resourceId} to ${externalId}`);
      }
    },

    async revoke(externalId: string, resource: AccessResource) {
      try {
        await rest.delete(Routes.guildMemberRole(resource.scopeId, externalId, resource.resourceId), {
          reason: auditReason,
        });
      } catch (error) {
        // Someone who left the guild holds no role there: nothing left to take away.
        if (notMember(error)) return;
        throw toPlatformError(error, `revoking role ${resource.resourceId} from ${externalId}`);
      }
    },
  };
}
