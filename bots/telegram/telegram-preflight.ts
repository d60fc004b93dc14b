import type { Api } from 'grammy';
import type { AccessResource, PreflightProblem } from '../../core/ports/chat-platform.js';
import { toPlatformError } from './telegram-errors.js';

const problemFromError = (error: unknown, resource?: AccessResource): PreflightProblem => {
  const platformError = toPlatformError(error, resource ? { chatId: resource.resourceId } : {});
  const code =
    platformError.code === 'platform_resource_missing' || platformError.code === 'platform_permission_missing'
      ? platformError.code
      : 'platform_unreachable';
  return { code, message: platformError.message, ...(resource ? { resource } : {}) };
};

/**
 * Can the bot manage these chats? It must be an administrator allowed to invite users (invite
 * links) and to restrict members (ban + unban). Reports every problem, not just the first.
 */
export async function preflightTelegram(api: Api, resources: AccessResource[]): Promise<PreflightProblem[]> {
  let botId: number;
  try {
    botId = (await api.getMe()).id;
  } catch (error) {
    return [problemFromError(error)];
  }
  const problems: PreflightProblem[] = [];
  for (const resource of resources) {
    if (resource.kind !== 'telegram_chat') continue;
    const chat = resource.label || resource.resourceId;
    try {
      const member = await api.getChatMember(resource.resourceId, botId);
      if (member.status !== 'administrator' && member.status !== 'creator') {
        problems.push({
          code: 'platform_permission_missing',
          resource,
          message: `The bot is not an administrator of ${chat}; make it one with "Invite users" and "Ban users".`,
        });
        continue;
      }
      const missing: string[] = [];
      if (member.status === 'administrator' && !member.can_invite_users) missing.push('Invite users via link');
      if (member.status === 'administrator' && !member.can_restrict_members) missing.push('Ban users');
      if (missing.length)
        problems.push({
          code: 'platform_permission_missing',
          resource,
          message: `The bot lacks ${missing.join(' and ')} in ${chat}.`,
        });
    } catch (error) {
      problems.push(problemFromError(error, resource));
    }
  }
  return problems;
}
