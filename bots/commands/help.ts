import type { CommandHandler } from '../command-context.js';
import { commandDefinitions } from '../command-definitions.js';
import { isModerator } from '../moderators.js';

const usage = (name: string, argumentNames: Array<{ name: string; required: boolean }>) =>
  `/${[name, ...argumentNames.map((argument) => (argument.required ? `<${argument.name}>` : `[${argument.name}]`))].join(' ')}`;

/** /help: member commands for everyone; moderator commands only for moderators. */
export const helpCommand: CommandHandler = async ({ core, actor }) => {
  const moderator = isModerator(actor, core.config);
  const lines: string[] = [];
  for (const definition of commandDefinitions) {
    if (definition.moderatorOnly && !moderator) continue;
    if (definition.subcommands) {
      for (const subcommand of definition.subcommands)
        lines.push(
          `\`${usage(`${definition.name} ${subcommand.name}`, subcommand.arguments)}\` — ${subcommand.description}`,
        );
    } else {
      lines.push(`\`${usage(definition.name, definition.arguments)}\` — ${definition.description}`);
    }
  }
  return { title: 'What I can do', text: lines.join('\n'), private: true };
};
