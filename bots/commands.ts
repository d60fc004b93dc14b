import { recordAudit } from '../core/audit/record-audit.js';
import { databaseDataError } from '../core/database-errors.js';
import { isDatabaseUnavailable } from '../core/database-unavailable.js';
import { isAppError } from '../core/errors.js';
import type { Core } from '../core/index.js';
import { chatPlatformNames } from '../core/ports/chat-platform.js';
import { actorTagOf, type CommandContext, type CommandHandler, privateReply } from './command-context.js';
import { commandDefinitions } from './command-definitions.js';
import { parseCommandText } from './command-parser.js';
import type { CommandActor, CommandInvocation, CommandReply, CommandRouter } from './command-types.js';
import { adminSync } from './commands/admin/admin-access.js';
import { adminGrant, adminLookup, adminRevoke } from './commands/admin/admin-members.js';
import { adminDeadLetters, adminRefund, adminStats } from './commands/admin/admin-money.js';
import { adminPlans } from './commands/admin/admin-plans.js';
import { adminPromo } from './commands/admin/admin-promo.js';
import { adminSignal, adminSignalChannel } from './commands/admin/admin-signal.js';
import { adminWebLogin } from './commands/admin/admin-weblogin.js';
import { apikeyCommand } from './commands/apikey.js';
import { autotradeCommand } from './commands/autotrade.js';
import { helpCommand } from './commands/help.js';
import { linkCommand } from './commands/link.js';
import { loginCommand } from './commands/login.js';
import { cancelCommand, manageCommand } from './commands/manage.js';
import { redeemCommand, referralCommand } from './commands/referrals.js';
import { resumeAction, resumeSubscription } from './commands/resume.js';
import { signalsCommand } from './commands/signals.js';
import { statusCommand } from './commands/status.js';
import { subscribeCommand } from './commands/subscribe.js';
import { tiersCommand } from './commands/tiers.js';
import { whyCommand } from './commands/why.js';
import { confirmedActions } from './confirmed-actions.js';
import { isModerator } from './moderators.js';
import { createPendingConfirmations } from './pending-confirmations.js';
import { invocationTexts, refuseUnstorableText } from './unstorable-command-text.js';

const memberHandlers: Record<string, CommandHandler> = {
  tiers: tiersCommand,
  subscribe: subscribeCommand,
  status: statusCommand,
  why: whyCommand,
  manage: manageCommand,
  cancel: cancelCommand,
  redeem: redeemCommand,
  referral: referralCommand,
  link: linkCommand,
  login: loginCommand,
  signals: signalsCommand,
  autotrade: autotradeCommand,
  apikey: apikeyCommand,
  help: helpCommand,
};

const adminHandlers: Record<string, CommandHandler> = {
  grant: adminGrant,
  revoke: adminRevoke,
  lookup: adminLookup,
  refund: adminRefund,
  stats: adminStats,
  sync: adminSync,
  plans: adminPlans,
  signal: adminSignal,
  signalchannel: adminSignalChannel,
  promo: adminPromo,
  deadletters: adminDeadLetters,
  weblogin: adminWebLogin,
};

const notModerator = privateReply('This command is for moderators. (not_moderator)');

/**
 * The shop, once for every platform: adapters parse and render, this decides. It never
 * throws: every failure becomes a private reply carrying the stable error code.
 */
export function createCommandRouter(core: Core): CommandRouter {
  const confirmations = createPendingConfirmations(core.cache);

  async function contextFor(actor: CommandActor): Promise<CommandContext> {
    const actorTag = actorTagOf(actor);
    const user = await core.users.findOrCreate(
      {
        platform: actor.platform,
        externalId: actor.externalId,
        username: actor.username,
        displayName: actor.displayName,
      },
      actorTag,
    );
    await core.members.touch(actor.platform, actor.externalId);
    return {
      core,
      actor,
      userId: user.id,
      actorTag,
      confirm: async (kind, payload, labels) => {
        const id = await confirmations.store({ actorTag, kind, payload });
        return [
          { label: labels.confirm, action: `ok:${id}`, style: labels.style },
          { label: labels.keep, action: `no:${id}`, style: 'secondary' },
        ];
      },
    };
  }

  async function safely(actor: CommandActor, label: string, work: () => Promise<CommandReply>): Promise<CommandReply> {
    try {
      return await work();
    } catch (error) {
      const refusedValue = databaseDataError(error);
      if (refusedValue) return privateReply(`${refusedValue.message} (${refusedValue.code})`);
      if (isAppError(error) && error.status < 500) return privateReply(`${error.message} (${error.code})`);
      if (isAppError(error) && error.retryable)
        return privateReply(`That did not go through; try again in a minute. (${error.code})`);
      if (isDatabaseUnavailable(error))
        return privateReply('Our database is not answering right now; try again shortly. (database_unavailable)');
      core.logger.error({ err: error, command: label, actor: actorTagOf(actor) }, 'command failed');
      return privateReply('Something went wrong on our side; try again in a minute. (internal_error)');
    }
  }

  const missingArgument = (invocation: CommandInvocation): string | undefined => {
    const definition = commandDefinitions.find((candidate) => candidate.name === invocation.name);
    const argumentList = definition?.subcommands
      ? definition.subcommands.find((candidate) => candidate.name === invocation.subcommand)?.arguments
      : definition?.arguments;
    return argumentList?.find((argument) => argument.required && !invocation.args[argument.name])?.name;
  };

  async function runAdmin(context: CommandContext, invocation: CommandInvocation): Promise<CommandReply> {
    const subcommand = invocation.subcommand ?? '';
    const handler = adminHandlers[subcommand];
    const allowed = isModerator(context.actor, core.config);
    await recordAudit(core.db, {
      actor: context.actorTag,
      action: allowed ? `command.admin.${handler ? subcommand : 'unknown'}` : 'command.admin.refused',
      subjectType: 'command',
      subjectId: subcommand || 'admin',
      details: { args: invocation.args, scope: context.actor.scopeId ?? null },
    });
    if (!allowed) {
      core.logger.warn({ actor: context.actorTag, subcommand }, 'admin command refused');
      return notModerator;
    }
    if (!handler) return privateReply('Unknown admin command; see /help. (unknown_command)');
    return handler(context, invocation.args);
  }

  async function runStart(context: CommandContext, payload: string | undefined): Promise<CommandReply> {
    // Telegram deep links: t.me/<bot>?start=ref_CODE attributes the new member to a referrer.
    if (payload?.startsWith('ref_')) {
      await core.referrals.attributeFromDeepLink(context.userId, payload.slice(4)).catch((error: unknown) => {
        if (!isAppError(error)) throw error;
      });
    }
    const help = await helpCommand(context, {});
    return { ...help, text: `Welcome! ${help.text}` };
  }

  return {
    definitions: commandDefinitions,

    parse: (text) => parseCommandText(text, commandDefinitions),

    run: (actor, invocation) =>
      safely(actor, invocation.name, async () => {
        const refused = refuseUnstorableText(actor, invocationTexts(invocation));
        if (refused) return refused;
        const context = await contextFor(actor);
        if (invocation.name === 'start') return runStart(context, invocation.args.payload ?? invocation.args.text);
        const missing = missingArgument(invocation);
        if (invocation.name === 'admin') {
          if (missing && isModerator(actor, core.config))
            return privateReply(`Missing <${missing}>; see /help. (missing_argument)`);
          return runAdmin(context, invocation);
        }
        const handler = memberHandlers[invocation.name];
        if (!handler) return privateReply(`Unknown command /${invocation.name}; see /help. (unknown_command)`);
        if (missing) return privateReply(`Missing <${missing}>; see /help. (missing_argument)`);
        return handler(context, invocation.args);
      }),

    press: (actor, action) =>
      safely(actor, `press:${action.split(':')[0]}`, async () => {
        const refused = refuseUnstorableText(actor, [action]);
        if (refused) return refused;
        const context = await contextFor(actor);
        const [verb = '', value = ''] = action.split(/:(.*)/s);
        if (verb === 'sub') return subscribeCommand(context, { plan: value });
        if (verb === resumeAction) return resumeSubscription(context);
        if (verb === 'no') {
          await confirmations.discard(value, context.actorTag);
          return privateReply('Nothing changed.');
        }
        if (verb !== 'ok') return privateReply('This button is no longer in use. (unknown_action)');
        const pending = await confirmations.take(value, context.actorTag);
        if (pending === 'not_yours') return privateReply('This button belongs to someone else. (not_your_action)');
        if (!pending) return privateReply('This confirmation expired or was already used. (confirmation_expired)');
        const confirmed = confirmedActions[pending.kind];
        if (confirmed.moderatorOnly && !isModerator(actor, core.config)) return notModerator;
        return confirmed.run(context, pending.payload);
      }),

    async memberJoined(platform, externalId) {
      if (!(chatPlatformNames as readonly string[]).includes(platform)) return;
      await core.access.memberJoined(platform as (typeof chatPlatformNames)[number], externalId);
    },
  };
}
