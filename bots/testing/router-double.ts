import { commandDefinitions } from '../command-definitions.js';
import { parseCommandText } from '../command-parser.js';
import type { ActorPlatform, CommandActor, CommandInvocation, CommandReply, CommandRouter } from '../command-types.js';

type Answer<Input> = (input: Input, actor: CommandActor) => CommandReply | Promise<CommandReply>;

export interface RouterDouble {
  router: CommandRouter;
  runs: Array<{ actor: CommandActor; invocation: CommandInvocation }>;
  presses: Array<{ actor: CommandActor; action: string }>;
  joins: Array<{ platform: ActorPlatform; externalId: string }>;
  /** What the double answers; a test may swap either between calls. */
  replies: { run?: Answer<CommandInvocation>; press?: Answer<string> };
}

/**
 * A CommandRouter for adapter tests that need no database: the real parser and definitions,
 * scripted replies, and a record of what reached it. Only the adapter's parse, transport and
 * rendering are under test; the real table has its own tests.
 */
export function createRouterDouble(replies: RouterDouble['replies'] = {}): RouterDouble {
  const double: RouterDouble = {
    runs: [],
    presses: [],
    joins: [],
    replies,
    router: {
      definitions: commandDefinitions,
      parse: (text) => parseCommandText(text, commandDefinitions),
      async run(actor, invocation) {
        double.runs.push({ actor, invocation });
        return (await double.replies.run?.(invocation, actor)) ?? { text: `ran /${invocation.name}`, private: false };
      },
      async press(actor, action) {
        double.presses.push({ actor, action });
        return (await double.replies.press?.(action, actor)) ?? { text: `pressed ${action}`, private: true };
      },
      async memberJoined(platform, externalId) {
        double.joins.push({ platform, externalId });
      },
    },
  };
  return double;
}
