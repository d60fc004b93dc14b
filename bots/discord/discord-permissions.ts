import { PermissionFlagsBits } from 'discord.js';

/** Discord sends permission sets as decimal strings of a 53+ bit field. */
export const permissionBits = (value: string | undefined): bigint => {
  if (value === undefined || !/^\d+$/.test(value)) return 0n;
  return BigInt(value);
};

export const hasPermission = (bits: bigint, flag: bigint): boolean =>
  (bits & PermissionFlagsBits.Administrator) !== 0n || (bits & flag) !== 0n;

/**
 * What Discord itself says about moderation rights on this interaction: Administrator or
 * Manage Server (the interaction's member.permissions already folds in roles and overwrites),
 * or one of the configured moderator roles.
 */
export function isDiscordModerator(
  member: { permissions?: string | undefined; roles: readonly string[] } | undefined,
  moderatorRoleIds: readonly string[],
): boolean {
  if (!member) return false;
  if (hasPermission(permissionBits(member.permissions), PermissionFlagsBits.ManageGuild)) return true;
  return member.roles.some((roleId) => moderatorRoleIds.includes(roleId));
}

export interface GuildRole {
  id: string;
  name: string;
  position: number;
  permissions: string;
  managed?: boolean | undefined;
}

/** A member's guild-wide permissions: @everyone (the role whose id is the guild's) plus each of their roles. */
export function memberGuildPermissions(guildId: string, roles: readonly GuildRole[], memberRoleIds: readonly string[]) {
  let bits = 0n;
  for (const role of roles) {
    if (role.id === guildId || memberRoleIds.includes(role.id)) bits |= permissionBits(role.permissions);
  }
  return bits;
}

/** The position of a member's highest role; a bot can only manage roles strictly below it. */
export function highestRolePosition(roles: readonly GuildRole[], memberRoleIds: readonly string[]): number {
  let highest = 0;
  for (const role of roles) if (memberRoleIds.includes(role.id)) highest = Math.max(highest, role.position);
  return highest;
}
