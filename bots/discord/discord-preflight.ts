import { PermissionFlagsBits, type REST, Routes } from 'discord.js';
import type { AccessResource, PreflightProblem } from '../../core/ports/chat-platform.js';
import { discordErrorCode, isDiscordErrorCode, toPlatformError } from './discord-errors.js';
import { type GuildRole, hasPermission, highestRolePosition, memberGuildPermissions } from './discord-permissions.js';

/** A failure to even ask: retryable ones mean "could not check", the rest are the problem itself. */
function problemFromError(error: unknown, action: string, resource?: AccessResource): PreflightProblem {
  const platformError = toPlatformError(error, action);
  const code =
    platformError.code === 'platform_permission_missing' || platformError.code === 'platform_resource_missing'
      ? platformError.code
      : 'platform_unreachable';
  return { code, message: platformError.message, ...(resource ? { resource } : {}) };
}

/**
 * Can the bot manage these roles? Per guild: the bot must hold Manage Roles (or Administrator),
 * and each role must sit below the bot's highest role (Discord's hierarchy rule) and not be
 * owned by an integration. Three reads per guild, whatever the number of roles.
 */
export async function discordPreflight(rest: REST, resources: readonly AccessResource[]): Promise<PreflightProblem[]> {
  const roles = resources.filter((resource) => resource.kind === 'discord_role');
  if (roles.length === 0) return [];
  let botUserId: string;
  try {
    botUserId = ((await rest.get(Routes.user('@me'))) as { id: string }).id;
  } catch (error) {
    return [problemFromError(error, 'reading the bot user')];
  }

  const problems: PreflightProblem[] = [];
  const guildIds = [...new Set(roles.map((resource) => resource.scopeId))];
  for (const guildId of guildIds) {
    const managed = roles.filter((resource) => resource.scopeId === guildId);
    let botRoleIds: string[];
    let guildRoles: GuildRole[];
    try {
      botRoleIds = ((await rest.get(Routes.guildMember(guildId, botUserId))) as { roles: string[] }).roles;
      guildRoles = (await rest.get(Routes.guildRoles(guildId))) as GuildRole[];
    } catch (error) {
      const gone = isDiscordErrorCode(error, discordErrorCode.unknownGuild, discordErrorCode.unknownMember);
      if (!gone) {
        problems.push(problemFromError(error, `reading guild ${guildId}`));
        continue;
      }
      for (const resource of managed) {
        problems.push({
          code: 'platform_resource_missing',
          resource,
          message: `Guild ${guildId} does not exist or the bot is not in it, so "${resource.label}" cannot be managed.`,
        });
      }
      continue;
    }

    const permissions = memberGuildPermissions(guildId, guildRoles, botRoleIds);
    if (!hasPermission(permissions, PermissionFlagsBits.ManageRoles)) {
      problems.push({
        code: 'platform_permission_missing',
        message: `The bot lacks the Manage Roles permission in guild ${guildId}.`,
      });
    }
    const botPosition = highestRolePosition(guildRoles, botRoleIds);
    for (const resource of managed) {
      const role = guildRoles.find((candidate) => candidate.id === resource.resourceId);
      if (!role) {
        problems.push({
          code: 'platform_resource_missing',
          resource,
          message: `Role "${resource.label}" (${resource.resourceId}) no longer exists in guild ${guildId}.`,
        });
      } else if (role.position >= botPosition) {
        problems.push({
          code: 'platform_role_above_bot',
          resource,
          message: `Role "${role.name}" is placed at or above the bot's highest role; move the bot's role above it in Server Settings → Roles.`,
        });
      } else if (role.managed) {
        problems.push({
          code: 'platform_permission_missing',
          resource,
          message: `Role "${role.name}" is managed by an integration and cannot be given to members.`,
        });
      }
    }
  }
  return problems;
}
