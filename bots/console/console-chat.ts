import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { CommandActor, CommandReply, CommandRouter } from '../command-types.js';
import { renderConsoleReply } from './render-console-reply.js';

export const consoleHelp = [
  'Type shop commands as in a chat: /tiers, /subscribe pro, /status, /help ...',
  '  !1            press button 1 of the last reply',
  '  :as <name>    talk as another member (each name is its own account)',
  '  :mod on|off   act as a moderator (the terminal is trusted: it runs the shop)',
  '  :quit         leave',
].join('\n');

/**
 * The shop in a terminal, on the same command table as the chat bots, so it can be tried
 * with no bot token. `handleLine` is the whole adapter; `start` wires it to a readline.
 */
export function createConsoleChat(options: { router: CommandRouter; member?: string; moderator?: boolean }) {
  const actor: CommandActor = {
    platform: 'console',
    externalId: options.member ?? 'member',
    username: options.member ?? 'member',
    platformModerator: options.moderator ?? false,
  };
  let lastReply: CommandReply | undefined;

  async function handleLine(line: string): Promise<string | undefined> {
    const text = line.trim();
    if (!text) return '';
    if (text === ':quit' || text === ':exit') return undefined;
    if (text === ':help') return consoleHelp;
    if (text.startsWith(':as ')) {
      const name = text.slice(4).trim();
      if (!/^[\w.-]{1,40}$/.test(name)) return 'Names are letters, digits, _ . - (up to 40).';
      actor.externalId = name;
      actor.username = name;
      return `You are now ${name}.`;
    }
    if (text === ':mod on' || text === ':mod off') {
      actor.platformModerator = text === ':mod on';
      return `Moderator mode ${actor.platformModerator ? 'on' : 'off'}.`;
    }
    if (/^!\d+$/.test(text)) {
      const button = lastReply?.buttons?.[Number(text.slice(1)) - 1];
      if (!button) return 'No such button on the last reply.';
      if ('url' in button) return `Open ${button.url}`;
      lastReply = await options.router.press(actor, button.action);
      return renderConsoleReply(lastReply);
    }
    const invocation = options.router.parse(text);
    if (!invocation) return 'Commands start with /. Type :help for help.';
    lastReply = await options.router.run(actor, invocation);
    return renderConsoleReply(lastReply);
  }

  const prompt = () => `${actor.username}${actor.platformModerator ? ' (mod)' : ''}> `;

  return {
    actor,
    handleLine,
    prompt,
    /** Reads lines until :quit or end of input. */
    async start(input: Readable, output: Writable) {
      output.write(`${consoleHelp}\n`);
      const lines = createInterface({ input, output, prompt: prompt(), terminal: false });
      lines.prompt();
      for await (const line of lines) {
        const answer = await handleLine(line);
        if (answer === undefined) break;
        if (answer) output.write(`${answer}\n`);
        lines.setPrompt(prompt());
        lines.prompt();
      }
      lines.close();
    },
  };
}
