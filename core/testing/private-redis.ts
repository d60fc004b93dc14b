import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './free-port.js';

/**
 * Test-only: a redis-server of the test's own, on a free port of 127.0.0.1, so a test can
 * kill or freeze it without touching the machine's shared Redis. Nothing is persisted.
 */
export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGKILL: connections drop at once and new ones are refused (a crash). */
  kill(): Promise<void>;
  /** SIGSTOP: the port still accepts, but nothing answers (a hang, not a refusal). */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** A new, empty server on the same port (after kill). */
  restart(): Promise<void>;
  /** Whether a server process is up (frozen counts as up). */
  running(): boolean;
  /** Kills the server if it runs; safe to call more than once (afterAll). */
  stop(): Promise<void>;
}

/** True once the server answers PING with PONG within `timeoutMs`. */
function answersPing(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let received = '';
    const finish = (result: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      if (received.includes('+PONG')) finish(true);
    });
    socket.once('error', () => finish(false));
  });
}

async function waitForPong(port: number, child: ChildProcess, deadlineMs = 10_000) {
  const started = Date.now();
  while (Date.now() - started < deadlineMs) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${child.exitCode}`);
    if (await answersPing(port, 200)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${deadlineMs} ms`);
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function launch() {
    const launched = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
      { stdio: 'ignore' },
    );
    child = launched;
    await waitForPong(port, launched);
  }

  async function kill() {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  }

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async restart() {
      await kill();
      await launch();
    },
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    stop: kill,
  };
}
