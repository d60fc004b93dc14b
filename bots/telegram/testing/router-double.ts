import { commandDefinitions } from '../../command-definitions.js';
import { parseCommandText } from '../../command-parser.js';
import type {
  ActorPlatform,
  CommandActor,
  CommandInvocation,
  CommandReply,
  CommandRouter,
} from '../../command-types.js';

export interface RouterDouble {
  router: CommandRouter;
  runs: Array<{ actor: CommandActor; invocation: CommandInvocation }>;
  presses: Array<{ actor: CommandActor; action: string }>;
  joins: Array<{ platform: ActorPlatform; externalId: string }>;
}

/**
 * A CommandRouter for adapter tests that need no database: the real parser and definitions,
 * scripted replies, and a record of what reached it.
 */
export function createRouterDouble(
  replies: {
    run?: (invocation: CommandInvocation, actor: CommandActor) => CommandReply;
    press?: (action: string, actor: CommandActor) => CommandReply;
  } = {},
): RouterDouble {
  const double: RouterDouble = {
    runs: [],
    presses: [],
    joins: [],
    router: {
      definitions: commandDefinitions,
      parse: (text) => parseCommandText(text, commandDefinitions),
      async run(actor, invocation) {
        double.runs.push({ actor, invocation });
        return replies.run?.(invocation, actor) ?? { text: `ran /${invocation.name}`, private: false };
      },
      async press(actor, action) {
        double.presses.push({ actor, action });
        return replies.press?.(action, actor) ?? { text: `pressed ${action}`, private: true };
      },
      async memberJoined(platform, externalId) {
        double.joins.push({ platform, externalId });
      },
    },
  };
  return double;
}
