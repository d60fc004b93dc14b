import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { type DataDirectoryHolder, describeHolder } from '../../core/data-directory/data-directory-lock.js';
import { consoleHelp } from './console-chat.js';
import { type ConsoleLineAnswer, consoleChatPath } from './console-chat-route.js';

/** Where to reach the holder from this host: a wildcard listen address means loopback. */
const holderBaseUrl = (holder: DataDirectoryHolder & { port: number }) => {
  const host = !holder.host || holder.host === '0.0.0.0' || holder.host === '::' ? '127.0.0.1' : holder.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${holder.port}`;
};

const cannotChat = (holder: DataDirectoryHolder, why: string) =>
  [
    `The shop is already running on this data directory: ${describeHolder(holder)}.`,
    `${why}`,
    '`npm run chat` includes the server, so stop the running one first and start `npm run chat` alone.',
  ].join('\n');

/**
 * `npm run chat` while the shop already runs on the same data directory: each line goes to the
 * running server (POST /v1/console/lines) and its reply is printed, so nothing opens the data
 * directory a second time. Returns the exit code: 0 after :quit or end of input, 1 when the
 * running process cannot be talked to (it says why, and what to do).
 */
export async function chatWithRunningShop(options: {
  holder: DataDirectoryHolder;
  adminKey: string | undefined;
  input: Readable;
  output: Writable;
  errors: Writable;
}): Promise<number> {
  const { holder, output, errors } = options;
  if (holder.port === undefined || holder.port === 0) {
    errors.write(
      `${cannotChat(holder, 'It serves no HTTP (its role has no web server), so this terminal cannot reach it.')}\n`,
    );
    return 1;
  }
  if (!options.adminKey) {
    errors.write(`${cannotChat(holder, 'No admin key: set ADMIN_API_KEY to the one it uses.')}\n`);
    return 1;
  }
  const url = `${holderBaseUrl({ ...holder, port: holder.port })}${consoleChatPath}`;
  const session = randomBytes(12).toString('base64url');
  const send = async (line: string): Promise<ConsoleLineAnswer | string> => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ session, line }),
        signal: AbortSignal.timeout(30_000),
      });
      if (response.ok) return (await response.json()) as ConsoleLineAnswer;
      if (response.status === 404)
        return 'It does not take terminal lines (it runs with NODE_ENV=production, or is an older version).';
      if (response.status === 401) return 'It refused the admin key: set ADMIN_API_KEY to the one it uses.';
      return `It answered ${response.status}: ${await response.text()}`;
    } catch (error) {
      return `It did not answer at ${url} (${error instanceof Error ? error.message : String(error)}).`;
    }
  };

  // Asking for the help first proves the server takes our lines before the prompt shows.
  const first = await send(':help');
  if (typeof first === 'string') {
    errors.write(`${cannotChat(holder, first)}\n`);
    return 1;
  }
  output.write(
    `Talking to the shop already running on this data directory: ${describeHolder(holder)}.\n` +
      `Its logs stay where it writes them.\n${consoleHelp}\n`,
  );
  const lines = createInterface({ input: options.input, output, prompt: first.prompt, terminal: false });
  lines.prompt();
  try {
    for await (const line of lines) {
      const answer = await send(line);
      if (typeof answer === 'string') {
        errors.write(`${cannotChat(holder, answer)}\n`);
        return 1;
      }
      if (answer.reply === null) break;
      if (answer.reply) output.write(`${answer.reply}\n`);
      lines.setPrompt(answer.prompt);
      lines.prompt();
    }
  } finally {
    lines.close();
  }
  return 0;
}
