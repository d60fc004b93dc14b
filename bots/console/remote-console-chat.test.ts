import { hostname } from 'node:os';
import { PassThrough, Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataDirectoryHolder } from '../../core/data-directory/data-directory-lock.js';
import type { CommandActor, CommandRouter } from '../command-types.js';
import { consoleChatPath, consoleChatRoute } from './console-chat-route.js';
import { chatWithRunningShop } from './remote-console-chat.js';

const adminKey = 'adm_remote_console_0123456789abcdef';

/** Answers every command with who asked, so a test sees which session's member ran it. */
const echoRouter: CommandRouter = {
  definitions: [],
  parse: (text) => ({ name: text.slice(1), args: [] }) as never,
  run: async (actor: CommandActor, invocation) => ({
    text: `${(invocation as unknown as { name: string }).name} for ${actor.username}${actor.platformModerator ? ' (mod)' : ''}`,
    private: false,
  }),
  press: async () => ({ text: 'pressed', private: false }),
  memberJoined: async () => {},
};

const collect = () => {
  const stream = new PassThrough();
  const sink = { stream, text: '' };
  stream.on('data', (chunk: Buffer) => (sink.text += chunk.toString()));
  return sink;
};

describe('npm run chat beside a running shop', () => {
  let server: FastifyInstance;
  let holder: DataDirectoryHolder;

  beforeAll(async () => {
    server = Fastify();
    await server.register(consoleChatRoute({ router: echoRouter, adminKey }));
    await server.listen({ host: '127.0.0.1', port: 0 });
    const address = server.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    holder = { pid: 4242, hostname: hostname(), role: 'all', port, host: '0.0.0.0', startedAt: '2026-01-01T00:00:00Z' };
  });
  afterAll(() => server.close());

  const chat = async (input: string, key = adminKey, who = holder) => {
    const output = collect();
    const errors = collect();
    const code = await chatWithRunningShop({
      holder: who,
      adminKey: key,
      input: Readable.from([input]),
      output: output.stream,
      errors: errors.stream,
    });
    return { code, output: output.text, errors: errors.text };
  };

  it('each line runs on the running server, which keeps the member and moderator mode of this terminal', async () => {
    const result = await chat('/status\n:as zed\n:mod on\n/status\n:quit\n/never\n');
    expect(result.code).toBe(0);
    expect(result.output).toContain('pid 4242 (role all, port');
    expect(result.output).toContain('status for member');
    expect(result.output).toContain('You are now zed.');
    expect(result.output).toContain('status for zed (mod)');
    expect(result.output).toContain('zed (mod)> ');
    expect(result.output).not.toContain('never');
  });

  it('two terminals are two sessions: one switching member does not move the other', async () => {
    await chat(':as alice\n');
    const other = await chat('/status\n');
    expect(other.output).toContain('status for member');
  });

  it('without the right admin key the server refuses, and chat says so and exits non-zero', async () => {
    const result = await chat('/status\n', 'adm_wrong_key_0123456789abcdefgh');
    expect(result.code).toBe(1);
    expect(result.errors).toContain('refused the admin key');
    const response = await fetch(`http://127.0.0.1:${holder.port}${consoleChatPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session: 'abcdefgh12', line: '/status' }),
    });
    expect(response.status).toBe(401);
  });

  it('a running process that serves no HTTP: chat says plainly it cannot talk to it and what to do', async () => {
    const result = await chat('/status\n', adminKey, { ...holder, role: 'worker', port: undefined });
    expect(result.code).toBe(1);
    expect(result.errors).toContain('The shop is already running on this data directory: pid 4242 (role worker');
    expect(result.errors).toContain('stop the running one first');
  });

  it('a server that went away: chat says it did not answer and exits non-zero', async () => {
    const result = await chat('/status\n', adminKey, { ...holder, port: 1 });
    expect(result.code).toBe(1);
    expect(result.errors).toContain('did not answer');
  });
});
