import { type CommandHandler, privateReply } from '../../command-context.js';

/**
 * /admin sync [member]: reconcile one member now and show what changed, or check every
 * platform's permissions and start a full reconcile in the background.
 */
export const adminSync: CommandHandler = async ({ core, actor }, args) => {
  if (args.member) {
    const userId = await core.members.resolve(args.member, actor.platform);
    const report = await core.access.reconcileUser(userId);
    const lines = report.actions.map(
      (action) =>
        `${action.action} ${action.resource.kind} ${action.resource.label || action.resource.resourceId} on ${action.platform}: ${action.outcome}${action.errorCode ? ` (${action.errorCode})` : ''}`,
    );
    return privateReply(lines.length > 0 ? lines.join('\n') : 'Already in sync: nothing to change.', {
      title: 'Access sync',
    });
  }
  const preflight = await core.access.preflight();
  const problems = preflight.flatMap((entry) =>
    entry.problems.map((problem) => `${entry.platform}: ${problem.message} (${problem.code})`),
  );
  core.access.reconcileAll().catch((error: unknown) => core.logger.error({ err: error }, 'manual reconcile failed'));
  return privateReply(
    `${problems.length > 0 ? `Fix these first:\n${problems.join('\n')}\n` : 'Permissions look right on every platform. '}Full reconcile started; repaired drift shows in /metrics.`,
    { title: 'Access sync' },
  );
};
