import { commandDefinitions } from '../../command-definitions.js';
import type {
  ActorPlatform,
  CommandActor,
  CommandInvocation,
  CommandReply,
  CommandRouter,
} from '../../command-types.js';

/**
 * A CommandRouter that records what the adapter handed it and answers with a preset reply,
 * for testing parse, transport and render without the database.
 */
export function createRecordingRouter(
  answer: (call: { actor: CommandActor; invocation?: CommandInvocation; action?: string }) => CommandReply = () => ({
    text: 'ok',
    private: true,
  }),
) {
  const runs: Array<{ actor: CommandActor; invocation: CommandInvocation }> = [];
  const presses: Array<{ actor: CommandActor; action: string }> = [];
  const joins: Array<{ platform: ActorPlatform; externalId: string }> = [];
  const router: CommandRouter = {
    definitions: commandDefinitions,
    async run(actor, invocation) {
      runs.push({ actor, invocation });
      return answer({ actor, invocation });
    },
    async press(actor, action) {
      presses.push({ actor, action });
      return answer({ actor, action });
    },
    parse: () => undefined,
    async memberJoined(platform, externalId) {
      joins.push({ platform, externalId });
    },
  };
  return { router, runs, presses, joins };
}
